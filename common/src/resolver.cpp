// Host name resolution for connect_tcp() (detail/resolver.hpp).
#include "pim/detail/resolver.hpp"

#include <netdb.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

namespace pim::detail {

namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};

std::mutex& hook_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::function<Resolution(const std::string&, int)>& hook() {
  static std::function<Resolution(const std::string&, int)> resolver;
  return resolver;
}

// `[::1]` is how addresses are written next to a port; getaddrinfo wants `::1`.
std::string unbracketed(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

Resolution lookup(const std::string& host, int port, int flags) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;  // IPv4 and IPv6 alike
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string name = unbracketed(host);
  int status = ::getaddrinfo(name.c_str(), std::to_string(port).c_str(), &hints, &found);
  std::unique_ptr<addrinfo, AddrInfoDeleter> list(found);
  Resolution result;
  if (status != 0) {
    result.error = status == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(status);
    return result;
  }
  for (const addrinfo* entry = list.get(); entry != nullptr; entry = entry->ai_next) {
    if (entry->ai_addrlen > sizeof(sockaddr_storage)) continue;
    ResolvedAddress address;
    address.family = entry->ai_family;
    std::memcpy(&address.storage, entry->ai_addr, entry->ai_addrlen);
    address.length = entry->ai_addrlen;
    result.addresses.push_back(address);
  }
  if (result.addresses.empty()) result.error = "no usable address";
  return result;
}

}  // namespace

std::optional<Resolution> resolve_numeric(const std::string& host, int port) {
  // AI_NUMERICHOST makes getaddrinfo parse only, never consult files or DNS: it cannot block.
  Resolution result = lookup(host, port, AI_NUMERICHOST);
  if (result.addresses.empty()) return std::nullopt;
  return result;
}

Resolution resolve_name(const std::string& host, int port) {
  std::function<Resolution(const std::string&, int)> replacement;
  {
    std::lock_guard lock(hook_mutex());
    replacement = hook();
  }
  if (replacement) return replacement(host, port);
  return lookup(host, port, 0);
}

void set_name_resolver_for_testing(std::function<Resolution(const std::string&, int)> resolver) {
  std::lock_guard lock(hook_mutex());
  hook() = std::move(resolver);
}

}  // namespace pim::detail
