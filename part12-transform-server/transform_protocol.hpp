// The wire side of part 12's transformation server: which transform names a client may ask for
// (the factory's allow-list) and the netstring protocol that carries requests and replies.
// Read transform_service.hpp first; transformedpoetry.cpp puts these on a port.
//
// Three layers, each ignorant of the ones below it:
//   TransformProtocol  bytes -> netstrings -> (name, poem) -> one reply netstring
//   TransformFactory   a name from the network -> a transform on the allow-list, or nothing
//   TransformService   poem -> new poem (transform_service.hpp)
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pim/factory.hpp"
#include "pim/netstring.hpp"
#include "transform_service.hpp"

/// One transform a client may ask for: poem in, new poem out. It may throw.
using Transform = std::function<std::string(std::string_view poem)>;

/// The allow-list: the only names a request can reach, each mapped to a call on the service.
/// A name that is not a key here reaches nothing, whatever methods the service has.
using TransformTable = std::map<std::string, Transform, std::less<>>;

/// The table transformedpoetry serves: `cummingsify` and `reverse`, both calling \p service.
TransformTable standard_transforms(std::shared_ptr<const TransformService> service);

//! [factory]
class TransformFactory : public pim::ServerFactory {
 public:
  /// Serves \p transforms with TransformProtocol (call set_protocol<P>() to use another).
  explicit TransformFactory(TransformTable transforms);

  /// Runs the transform called \p name on \p poem.
  /// \returns the new poem; nothing if \p name is not on the allow-list or the transform threw
  ///          (both are logged)
  std::optional<std::string> transform(std::string_view name, std::string_view poem) const;

 private:
  TransformTable transforms_;
};
//! [factory]

//! [protocol]
class TransformProtocol : public pim::NetstringReceiver {
 protected:
  // One netstring is one request, `NAME.POEM`.
  void string_received(std::string request) override;

  // The request taken apart: the level the rest of the server thinks at.
  virtual void transform_request_received(std::string_view name, std::string_view poem);
};
//! [protocol]
