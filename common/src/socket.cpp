#include "pim/socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <utility>

namespace pim {

namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

AddrInfoList resolve(const std::string& host, int port, int flags, const std::string& what) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int status = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (status != 0) {
    // getaddrinfo has its own error codes; EAI_SYSTEM alone means "look at errno".
    if (status == EAI_SYSTEM) throw errno_error(what);
    throw std::system_error(std::make_error_code(std::errc::host_unreachable),
                            what + ": " + ::gai_strerror(status));
  }
  return AddrInfoList(found);
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

std::system_error errno_error(const std::string& what) {
  return std::system_error(errno, std::generic_category(), what);
}

Fd connect_blocking(const Address& address) {
  const std::string what = "cannot connect to " + address.to_string();
  AddrInfoList list = resolve(address.host, address.port, 0, what);
  int last_errno = ECONNREFUSED;
  for (addrinfo* entry = list.get(); entry; entry = entry->ai_next) {
    Fd fd(::socket(entry->ai_family, entry->ai_socktype | SOCK_CLOEXEC, entry->ai_protocol));
    if (!fd) {
      last_errno = errno;
      continue;
    }
    if (::connect(fd.get(), entry->ai_addr, entry->ai_addrlen) == 0) return fd;
    last_errno = errno;
  }
  errno = last_errno;
  throw errno_error(what);
}

Fd listen_blocking(const std::string& interface, int port, int backlog) {
  const std::string what = "cannot listen on " + interface + ":" + std::to_string(port);
  AddrInfoList list = resolve(interface, port, AI_PASSIVE, what);
  int last_errno = EADDRNOTAVAIL;
  for (addrinfo* entry = list.get(); entry; entry = entry->ai_next) {
    Fd fd(::socket(entry->ai_family, entry->ai_socktype | SOCK_CLOEXEC, entry->ai_protocol));
    if (!fd) {
      last_errno = errno;
      continue;
    }
    int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd.get(), entry->ai_addr, entry->ai_addrlen) == 0 &&
        ::listen(fd.get(), backlog) == 0) {
      return fd;
    }
    last_errno = errno;
  }
  errno = last_errno;
  throw errno_error(what);
}

int local_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw errno_error("getsockname");
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

std::string format_sockaddr(const sockaddr* address, socklen_t length) {
  char host[NI_MAXHOST];
  char port[NI_MAXSERV];
  if (::getnameinfo(address, length, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "?:?";
  }
  bool ipv6 = address->sa_family == AF_INET6;
  return (ipv6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + port;
}

std::string peer_name(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "?:?";
  return format_sockaddr(reinterpret_cast<sockaddr*>(&address), length);
}

void set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throw errno_error("fcntl");
}

}  // namespace pim
