// Part 12's service, allow-list and protocol in-process: plain calls for the service, and an
// in-memory transport for the protocol, so each rule is checked without sockets.
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "pim/log.hpp"
#include "pim/testing/catch.hpp"
#include "pim/transport.hpp"
#include "transform_protocol.hpp"
#include "transform_service.hpp"

namespace {

// Keeps what is written; closing only marks it closed.
class StringTransport : public pim::Transport {
 public:
  void write(std::string_view data) override {
    if (open) written.append(data);
  }
  void lose_connection() override { open = false; }
  void abort_connection() override { open = false; }
  std::string get_host() const override { return "127.0.0.1:11000"; }
  std::string get_peer() const override { return "127.0.0.1:50000"; }
  bool connected() const override { return open; }

  std::string written;
  bool open = true;
};

// One connection to \p factory, fed \p input in one piece. Returns what was written back.
std::shared_ptr<StringTransport> feed(const std::shared_ptr<TransformFactory>& factory,
                                      std::string_view input) {
  auto transport = std::make_shared<StringTransport>();
  std::shared_ptr<pim::Protocol> protocol = factory->build_protocol("127.0.0.1:50000");
  protocol->make_connection(transport);
  protocol->data_received(input);
  return transport;
}

}  // namespace

TEST_CASE("cummingsify lower-cases ASCII letters and leaves other bytes alone",
          "[part12][service]") {
  TransformService service;
  CHECK(service.cummingsify("HERE Is My POEM") == "here is my poem");
  CHECK(service.cummingsify("ÉCLAIR\n") == "Éclair\n");  // É is two bytes of UTF-8, kept as is
  CHECK(service.cummingsify("") == "");
}

TEST_CASE("reverse puts the last line first and keeps the poem's ending", "[part12][service]") {
  TransformService service;
  CHECK(service.reverse_lines("one\ntwo\nthree\n") == "three\ntwo\none\n");
  CHECK(service.reverse_lines("one\ntwo") == "two\none");
  CHECK(service.reverse_lines("a\n\nb\n") == "b\n\na\n");
  CHECK(service.reverse_lines("") == "");
}

TEST_CASE("the factory reaches only the names on its allow-list", "[part12][factory]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  auto factory =
      std::make_shared<TransformFactory>(standard_transforms(std::make_shared<TransformService>()));
  CHECK(factory->transform("cummingsify", "ABC") == "abc");
  CHECK(factory->transform("reverse", "1\n2\n") == "2\n1\n");
  CHECK_FALSE(factory->transform("reverse_lines", "1\n2\n"));
  CHECK_FALSE(factory->transform("Cummingsify", "ABC"));
  CHECK(log.str().find("No such transform: reverse_lines") != std::string::npos);
}

TEST_CASE("a transform that throws gives no reply; the failure is logged",
          "[part12][factory][errors]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  TransformTable table;
  table["explode"] = [](std::string_view) -> std::string { throw std::runtime_error("kaboom"); };
  auto factory = std::make_shared<TransformFactory>(std::move(table));

  auto transport = feed(factory, "12:explode.POEM,");
  CHECK(transport->written.empty());
  CHECK_FALSE(transport->open);
  CHECK(log.str().find("Transform explode failed") != std::string::npos);
  CHECK(log.str().find("kaboom") != std::string::npos);
}

TEST_CASE("the protocol answers one request and ignores anything after it",
          "[part12][protocol][netstring]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  auto factory =
      std::make_shared<TransformFactory>(standard_transforms(std::make_shared<TransformService>()));
  // Two requests in one chunk: the first is answered and the connection closed, so the second
  // is never looked at.
  auto transport = feed(factory, "13:cummingsify.A,13:cummingsify.B,");
  CHECK(transport->written == "1:a,");
  CHECK_FALSE(transport->open);

  transport = feed(factory, "11:cummingsify,");
  CHECK(transport->written.empty());
  CHECK_FALSE(transport->open);
  CHECK(log.str().find("Bad request from 127.0.0.1:50000") != std::string::npos);
}
