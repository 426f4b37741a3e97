// BaseProtocol and Protocol (protocol.hpp).
#include "pim/protocol.hpp"

#include <typeinfo>

#include "pim/factory.hpp"
#include "pim/stack.hpp"
#include "pim/transport.hpp"

namespace pim {

BaseProtocol::~BaseProtocol() = default;

//! [make_connection]
void BaseProtocol::make_connection(std::shared_ptr<Transport> transport) {
  // Figure 9: remember the transport, then tell the subclass. A weak_ptr, because the
  // transport owns this protocol; an owning pointer back would be a cycle.
  transport_ = transport;
  connection_made();
}
//! [make_connection]

std::shared_ptr<Transport> BaseProtocol::transport() const {
  std::shared_ptr<Transport> transport = transport_.lock();
  if (!transport) {
    throw NotConnectedError(demangle(typeid(*this).name()) +
                            ": no transport (not connected yet, or the connection is gone)");
  }
  return transport;
}

bool BaseProtocol::connected() const {
  std::shared_ptr<Transport> transport = transport_.lock();
  return transport && transport->connected();
}

void Protocol::data_received(std::string_view) {}

void Protocol::connection_lost(const Failure&) {}

std::shared_ptr<Factory> Protocol::factory() const {
  std::shared_ptr<Factory> factory = factory_.lock();
  if (!factory) {
    throw NotConnectedError(demangle(typeid(*this).name()) +
                            ": no factory (not built by a factory owned by a std::shared_ptr, "
                            "or the factory is gone)");
  }
  return factory;
}

void Protocol::throw_wrong_factory(const std::type_info& wanted) const {
  throw std::logic_error(demangle(typeid(*this).name()) + ": its factory is a " +
                         factory()->name() + ", not a " + demangle(wanted.name()));
}

}  // namespace pim
