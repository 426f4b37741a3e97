// The allow-list, the factory and the netstring protocol of part 12. See transform_protocol.hpp.
#include "transform_protocol.hpp"

#include <exception>
#include <utility>

#include "pim/log.hpp"
#include "pim/transport.hpp"

//! [allow-list]
TransformTable standard_transforms(std::shared_ptr<const TransformService> service) {
  // Each entry is written out by hand: adding a method to the service publishes nothing until
  // someone adds it here too. This is also the place to adapt the service's API to what the
  // protocol needs (here: nothing to adapt).
  return {
      {"cummingsify", [service](std::string_view poem) { return service->cummingsify(poem); }},
      {"reverse", [service](std::string_view poem) { return service->reverse_lines(poem); }},
  };
}
//! [allow-list]

TransformFactory::TransformFactory(TransformTable transforms) : transforms_(std::move(transforms)) {
  set_protocol<TransformProtocol>();
}

std::optional<std::string> TransformFactory::transform(std::string_view name,
                                                       std::string_view poem) const {
  auto found = transforms_.find(name);
  if (found == transforms_.end()) {
    pim::log::msg("No such transform:", std::string(name));
    return std::nullopt;
  }
  try {
    return found->second(poem);
  } catch (const std::exception& error) {
    pim::log::err(error, "Transform " + std::string(name) + " failed");
  } catch (...) {
    pim::log::err(std::current_exception(), "Transform " + std::string(name) + " failed");
  }
  return std::nullopt;
}

//! [string-received]
void TransformProtocol::string_received(std::string request) {
  std::size_t dot = request.find('.');
  if (dot == std::string::npos) {
    pim::log::msg("Bad request from", transport()->get_peer() + ": no '.' after the name");
    transport()->lose_connection();
    return;
  }
  std::string_view text = request;
  transform_request_received(text.substr(0, dot), text.substr(dot + 1));
}

void TransformProtocol::transform_request_received(std::string_view name, std::string_view poem) {
  std::optional<std::string> new_poem = factory<TransformFactory>()->transform(name, poem);
  if (new_poem) send_string(*new_poem);
  // One request per connection: reply (or not) and hang up. lose_connection() sends what was
  // written first, so the reply is not cut off.
  transport()->lose_connection();
}
//! [string-received]
