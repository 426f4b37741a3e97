// Factory, ClientFactory (factory.hpp).
#include "pim/factory.hpp"

#include <stdexcept>
#include <typeinfo>

#include "pim/log.hpp"
#include "pim/stack.hpp"

namespace pim {

Factory::~Factory() = default;

//! [build_protocol]
std::shared_ptr<Protocol> Factory::build_protocol(const std::string&) {
  if (!maker_) {
    throw std::logic_error(name() +
                           " has no protocol class: call set_protocol<P>() or override "
                           "build_protocol()");
  }
  std::shared_ptr<Protocol> protocol = maker_();
  link(*protocol);
  return protocol;
}
//! [build_protocol]

//! [link]
void Factory::link(Protocol& protocol) {
  // Empty if this factory is not owned by a shared_ptr: the protocol's factory() then says so
  // instead of handing out a pointer that nothing keeps alive.
  protocol.factory_ = weak_from_this();
}
//! [link]

void Factory::do_start() {
  if (users_++ > 0) return;
  if (noisy_) log::msg("Starting factory", name());
  start_factory();
}

void Factory::do_stop() {
  if (users_ == 0) return;
  if (--users_ > 0) return;
  if (noisy_) log::msg("Stopping factory", name());
  stop_factory();
}

std::string Factory::name() const {
  return demangle(typeid(*this).name());
}

void ClientFactory::started_connecting(Connector&) {}

void ClientFactory::client_connection_failed(Connector&, const Failure&) {}

void ClientFactory::client_connection_lost(Connector&, const Failure&) {}

}  // namespace pim
