// Exercise 2 of part 12: a transform of your own (easy).
//
// `transformedpoetry-plus` is transformedpoetry with one more transform, `title`: every word
// starts with a capital letter. A word starts at an ASCII letter that does not follow another
// letter, a digit or an apostrophe (so "don't" becomes "Don't", not "Don'T"); nothing else
// changes. Add it in the two places a transform lives: the service (title_case() below, which
// knows nothing of the network) and the allow-list (plus_transforms(), the only way a client's
// name reaches the service).
//
// Try it, change it, check it:
//   cmake --build build --target check12 && build/bin/part12/exercises/transformedpoetry-plus
//       --port 11000
//   printf '21:title.here is my poem,' | nc -N 127.0.0.1 11000; echo
//   ./tutorial check 12
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "pim/error.hpp"
#include "pim/options.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "transform_protocol.hpp"
#include "transform_service.hpp"

//! [title]
class PlusTransformService : public TransformService {
 public:
  std::string title_case(std::string_view poem) const {
    auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    auto in_word = [&](char c) { return is_letter(c) || (c >= '0' && c <= '9') || c == '\''; };
    std::string result(poem);
    for (std::size_t i = 0; i < result.size(); ++i) {
      bool starts_word = i == 0 || !in_word(result[i - 1]);
      if (starts_word && result[i] >= 'a' && result[i] <= 'z')
        result[i] = char(result[i] - 'a' + 'A');
    }
    return result;
  }
};

TransformTable plus_transforms(std::shared_ptr<const PlusTransformService> service) {
  TransformTable table = standard_transforms(service);
  table.emplace("title", [service](std::string_view poem) { return service->title_case(poem); });
  return table;
}
//! [title]

int main(int argc, char** argv) {
  std::string backend;
  long port_number = 0;
  pim::Options options({"transformedpoetry-plus", "[options]",
                        "transformedpoetry with a `title` transform (part 12, exercise 2).",
                        "build/bin/part12/solutions/transformedpoetry-plus --port 11000"});
  options.integer("port", "N", "port to listen on (default: 0, any free port)", port_number, 0,
                  65535);
  pim::add_reactor_option(options, backend);
  if (!options.parse_or_exit(argc, argv).empty())
    options.usage_error("this program takes no arguments");
  pim::Reactor reactor = pim::make_reactor_or_exit(options, backend);

  auto service = std::make_shared<PlusTransformService>();
  auto factory = std::make_shared<TransformFactory>(plus_transforms(service));
  try {
    auto port = pim::listen_tcp(reactor, int(port_number), factory);
    std::cout << "Serving transforms on " << port->get_host() << '.' << std::endl;
    reactor.run();
  } catch (const pim::CannotListenError& error) {
    std::cerr << "transformedpoetry-plus: " << error.what() << '\n';
    return 1;
  }
}
