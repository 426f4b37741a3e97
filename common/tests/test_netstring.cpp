// NetstringReceiver (part 12) with an in-memory transport: decoding across every chunking,
// malformed input, the length limit and its memory bound, and stopping once the connection is
// closed. Everything here is deterministic: no sockets, no clock.
#include "pim/netstring.hpp"

#include <cstddef>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "pim/factory.hpp"
#include "pim/log.hpp"
#include "pim/reactor.hpp"
#include "pim/tcp.hpp"
#include "pim/testing/catch.hpp"
#include "pim/transport.hpp"
#include "tcp_testing.hpp"

namespace {

using Strings = std::vector<std::string>;

// Keeps what is written; lose_connection() just marks it closed (Twisted's StringTransport).
class MemoryTransport : public pim::Transport {
 public:
  void write(std::string_view data) override {
    if (open) written.append(data);
  }
  void lose_connection() override { open = false; }
  void abort_connection() override { open = false; }
  std::string get_host() const override { return "127.0.0.1:10000"; }
  std::string get_peer() const override { return "127.0.0.1:54321"; }
  bool connected() const override { return open; }

  std::string written;
  bool open = true;
};

// Records every callback, then (unless told otherwise) does what the default does.
class Recorder : public pim::NetstringReceiver {
 public:
  Recorder() : transport_(std::make_shared<MemoryTransport>()) { make_connection(transport_); }

  MemoryTransport& wire() { return *transport_; }

  Strings strings;
  std::vector<std::string> errors;
  std::vector<std::size_t> limits;
  bool close_after_first_string = false;
  bool keep_open_on_error = false;

 protected:
  void string_received(std::string data) override {
    strings.push_back(std::move(data));
    if (close_after_first_string) transport()->lose_connection();
  }
  void netstring_error(const pim::NetstringParseError& error) override {
    errors.emplace_back(error.what());
    if (!keep_open_on_error) NetstringReceiver::netstring_error(error);
  }
  void length_limit_exceeded(std::size_t declared_length) override {
    limits.push_back(declared_length);
    if (!keep_open_on_error) NetstringReceiver::length_limit_exceeded(declared_length);
  }

 private:
  std::shared_ptr<MemoryTransport> transport_;
};

// Replies to each string with it in capitals, and closes after "bye": a tiny request/reply
// server for the loopback tests.
class Shouter : public pim::NetstringReceiver {
 protected:
  void string_received(std::string data) override {
    if (data == "bye") {
      transport()->lose_connection();
      return;
    }
    for (char& c : data) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    send_string(data);
  }
};

class ShouterFactory : public pim::ServerFactory {
 public:
  ShouterFactory() { set_protocol<Shouter>(); }
};

// Runs a Shouter server on a free port, connects a recording client that writes \p pieces
// (one write each) and returns every byte the client received before the server closed.
std::string exchange_over_tcp(const std::vector<std::string>& pieces) {
  pim::Reactor reactor;
  pim::testing::Watchdog watchdog(reactor, 10);
  auto port = pim::listen_tcp(reactor, 0, std::make_shared<ShouterFactory>());
  auto client = std::make_shared<pim::testing::RecordingClient>();
  client->setup = [&](pim::testing::Recording& protocol) {
    protocol.on_made = [&](pim::testing::Recording& self) {
      for (const std::string& piece : pieces)
        self.transport()->write(piece);
    };
    protocol.on_lost = [&](pim::testing::Recording&) { reactor.stop(); };
  };
  pim::connect_tcp(reactor, "127.0.0.1", port->port(), client);
  reactor.run();
  CHECK_FALSE(watchdog.fired);
  REQUIRE(client->protocols.size() == 1);
  return client->protocols[0]->data;
}

// Decodes \p chunks in order with a fresh receiver and returns what it delivered.
Strings decode(const std::vector<std::string_view>& chunks) {
  Recorder receiver;
  for (std::string_view chunk : chunks)
    receiver.data_received(chunk);
  CHECK(receiver.errors.empty());
  CHECK(receiver.wire().open);
  return receiver.strings;
}

// Several strings, among them the empty one and one holding the format's own punctuation, so
// that a decoder scanning for ':' or ',' instead of counting would get it wrong.
const std::string_view valid_input = "5:hello,0:,7:a,b:c,d,1:\n,";
const Strings valid_strings = {"hello", "", "a,b:c,d", "\n"};

}  // namespace

TEST_CASE("encode_netstring writes the length, a colon, the bytes and a comma",
          "[common][part12][netstring]") {
  CHECK(pim::encode_netstring("hello") == "5:hello,");
  CHECK(pim::encode_netstring("") == "0:,");
  CHECK(pim::encode_netstring(std::string_view("a\0b", 3)) == std::string("3:a\0b,", 6));
  CHECK(pim::encode_netstring(std::string(1000, 'x')) == "1000:" + std::string(1000, 'x') + ",");
}

TEST_CASE("send_string writes one encoded netstring on the transport",
          "[common][part12][netstring]") {
  Recorder receiver;
  receiver.send_string("here is my poem");
  receiver.send_string("");
  CHECK(receiver.wire().written == "15:here is my poem,0:,");
}

TEST_CASE("what send_string writes decodes back to the same strings",
          "[common][part12][netstring]") {
  Recorder sender;
  for (const std::string& s : valid_strings)
    sender.send_string(s);
  CHECK(decode({sender.wire().written}) == valid_strings);
}

TEST_CASE("a netstring delivered one byte at a time gives the same strings",
          "[common][part12][netstring]") {
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < valid_input.size(); ++i)
    bytes.push_back(valid_input.substr(i, 1));
  CHECK(decode({valid_input}) == valid_strings);
  CHECK(decode(bytes) == valid_strings);
}

TEST_CASE("every split of the input into two or three chunks gives the same strings",
          "[common][part12][netstring]") {
  const std::size_t n = valid_input.size();
  for (std::size_t i = 0; i <= n; ++i) {
    INFO("split at " << i);
    CHECK(decode({valid_input.substr(0, i), valid_input.substr(i)}) == valid_strings);
    for (std::size_t j = i; j <= n; ++j) {
      INFO("and at " << j);
      CHECK(decode({valid_input.substr(0, i), valid_input.substr(i, j - i),
                    valid_input.substr(j)}) == valid_strings);
    }
  }
}

TEST_CASE("many strings in one chunk are all delivered, in order", "[common][part12][netstring]") {
  std::string chunk;
  Strings expected;
  for (int i = 0; i < 1000; ++i) {
    expected.push_back(std::to_string(i));
    chunk += pim::encode_netstring(expected.back());
  }
  CHECK(decode({chunk}) == expected);
}

TEST_CASE("the empty string 0:, is a string of its own", "[common][part12][netstring]") {
  CHECK(decode({"0:,"}) == Strings{""});
  CHECK(decode({"0:,0:,"}) == Strings{"", ""});
  CHECK(decode({"0", ":", ","}) == Strings{""});
}

TEST_CASE("a string may hold any bytes, including zero bytes", "[common][part12][netstring]") {
  const std::string binary("\0\xff,:\r\n", 6);
  CHECK(decode({pim::encode_netstring(binary)}) == Strings{binary});
}

TEST_CASE("an incomplete netstring waits for the rest without delivering or closing",
          "[common][part12][netstring]") {
  Recorder receiver;
  receiver.data_received("3:abc,3:de");
  CHECK(receiver.strings == Strings{"abc"});
  receiver.data_received("f,99999");  // a length without its colon yet: more may come
  CHECK(receiver.strings == Strings{"abc", "def"});
  CHECK(receiver.wire().open);
  CHECK(receiver.buffered_bytes() < 64);
}

TEST_CASE("each malformed input closes the connection with its named error",
          "[common][part12][netstring]") {
  struct Case {
    std::string_view input;
    Strings delivered;  // strings completed before the bad byte
    std::string_view error;
  };
  const std::vector<Case> cases = {
      {"007:abcdefg,", {}, "length has a leading zero"},
      {"00:,", {}, "length has a leading zero"},
      {"abc:", {}, "length starts with 'a', not a digit"},
      {"-1:x,", {}, "length starts with '-', not a digit"},
      {" 5:hello,", {}, "length starts with ' ', not a digit"},
      {"5x:hello,", {}, "expected a digit or ':' in the length, got 'x'"},
      {"5\n", {}, "expected a digit or ':' in the length, got byte 0x0a"},
      {":", {}, "empty length before ':'"},
      {"5:hello;", {}, "expected ',' after the 5-byte string, got ';'"},
      {"3:abcd,", {}, "expected ',' after the 3-byte string, got 'd'"},
      {"0:x", {}, "expected ',' after the 0-byte string, got 'x'"},
      {"5:hello,x", {"hello"}, "length starts with 'x', not a digit"},
      {"1:a,2:bc,3:def.", {"a", "bc"}, "expected ',' after the 3-byte string, got '.'"},
  };
  for (const Case& c : cases) {
    INFO("input: " << c.input);
    // Whole and byte by byte: where the chunks are cut must not matter for errors either.
    for (std::size_t step : {c.input.size(), std::size_t{1}}) {
      std::ostringstream log;
      pim::log::Redirect redirect(log);
      Recorder receiver;
      for (std::size_t i = 0; i < c.input.size(); i += step) {
        receiver.data_received(c.input.substr(i, step));
      }
      CHECK(receiver.strings == c.delivered);
      CHECK(receiver.errors == std::vector<std::string>{std::string(c.error)});
      CHECK_FALSE(receiver.wire().open);
      CHECK(log.str().find("Netstring protocol error from 127.0.0.1:54321: " +
                           std::string(c.error)) != std::string::npos);
    }
  }
}

TEST_CASE("after an error nothing more is delivered, even if the connection stays open",
          "[common][part12][netstring]") {
  Recorder receiver;
  receiver.keep_open_on_error = true;
  receiver.data_received("1:a,x1:b,");
  receiver.data_received("1:c,");
  CHECK(receiver.strings == Strings{"a"});
  CHECK(receiver.errors.size() == 1);
  CHECK(receiver.wire().open);
}

TEST_CASE("a length with more digits than a size_t holds is a parse error",
          "[common][part12][netstring]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Recorder receiver;
  receiver.set_max_length(std::numeric_limits<std::size_t>::max());
  receiver.data_received("99999999999999999999999999:");
  CHECK(receiver.errors ==
        std::vector<std::string>{"length has too many digits to be represented"});
  CHECK(receiver.limits.empty());
  CHECK_FALSE(receiver.wire().open);
}

TEST_CASE("a length above max_length is refused as soon as its digits show it",
          "[common][part12][netstring]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  SECTION("with the colon") {
    Recorder receiver;
    receiver.data_received("100000:");
    CHECK(receiver.limits == std::vector<std::size_t>{100000});
    CHECK_FALSE(receiver.wire().open);
    CHECK(log.str().find("Netstring from 127.0.0.1:54321 is too long: length 100000 or more, "
                         "max_length is 99999") != std::string::npos);
  }
  SECTION("before any colon arrives") {
    Recorder receiver;
    receiver.data_received("1000000");
    CHECK(receiver.limits == std::vector<std::size_t>{100000});
    CHECK(receiver.errors.empty());
    CHECK_FALSE(receiver.wire().open);
  }
  SECTION("but the longest allowed length just waits for its bytes") {
    Recorder receiver;
    receiver.data_received("99999:");
    CHECK(receiver.limits.empty());
    CHECK(receiver.wire().open);
  }
}

TEST_CASE("a declared length of 10^18 closes the connection without allocating",
          "[common][part12][netstring]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Recorder receiver;
  const std::size_t before = receiver.buffered_bytes();  // the empty string's inline buffer
  receiver.data_received("1000000000000000000:" + std::string(4096, 'x'));
  CHECK(receiver.limits == std::vector<std::size_t>{100000});
  CHECK_FALSE(receiver.wire().open);
  CHECK(receiver.buffered_bytes() == before);
  CHECK(receiver.strings.empty());
}

TEST_CASE("with no limit, a huge declared length reserves only what has arrived",
          "[common][part12][netstring]") {
  Recorder receiver;
  receiver.set_max_length(std::numeric_limits<std::size_t>::max());
  receiver.data_received("1000000000000000000:");
  CHECK(receiver.buffered_bytes() < 64);
  receiver.data_received(std::string(1000, 'x'));
  CHECK(receiver.wire().open);
  CHECK(receiver.buffered_bytes() >= 1000);
  CHECK(receiver.buffered_bytes() <= 2 * 1000 + 64);
}

TEST_CASE("the buffer never exceeds max_length plus a small constant",
          "[common][part12][netstring]") {
  Recorder receiver;
  receiver.set_max_length(1000);
  const std::string input = "1000:" + std::string(1000, 'y') + ",";
  for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{333}, input.size()}) {
    INFO("chunks of " << step);
    for (std::size_t i = 0; i < input.size(); i += step) {
      receiver.data_received(std::string_view(input).substr(i, step));
      CHECK(receiver.buffered_bytes() <= 1000 + 32);
    }
  }
  CHECK(receiver.strings == Strings(4, std::string(1000, 'y')));
}

TEST_CASE("max_length can be raised and lowered", "[common][part12][netstring]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Recorder receiver;
  CHECK(receiver.max_length() == pim::NetstringReceiver::default_max_length);
  CHECK(pim::NetstringReceiver::default_max_length == 99999);

  SECTION("raised, a longer string is accepted") {
    receiver.set_max_length(200000);
    CHECK(receiver.max_length() == 200000);
    receiver.data_received(pim::encode_netstring(std::string(150000, 'z')));
    CHECK(receiver.strings == Strings{std::string(150000, 'z')});
    CHECK(receiver.wire().open);
  }
  SECTION("lowered, the limit is exact") {
    receiver.set_max_length(5);
    receiver.data_received("5:hello,");
    CHECK(receiver.strings == Strings{"hello"});
    receiver.data_received("6:hello!,");
    CHECK(receiver.limits == std::vector<std::size_t>{6});
    CHECK_FALSE(receiver.wire().open);
  }
  SECTION("zero allows only the empty string") {
    receiver.set_max_length(0);
    receiver.data_received("0:,1:x,");
    CHECK(receiver.strings == Strings{""});
    CHECK(receiver.limits == std::vector<std::size_t>{1});
  }
}

TEST_CASE("a string_received that closes the connection stops further delivery",
          "[common][part12][netstring]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  Recorder receiver;
  receiver.close_after_first_string = true;
  receiver.data_received("1:a,1:b,garbage");
  receiver.data_received("1:c,");
  CHECK(receiver.strings == Strings{"a"});
  CHECK(receiver.errors.empty());  // the garbage after the close is never even parsed
  CHECK(log.str().empty());
}

TEST_CASE("nothing is delivered once the transport has been closed by someone else",
          "[common][part12][netstring]") {
  Recorder receiver;
  receiver.data_received("1:a,1:");
  receiver.wire().lose_connection();
  receiver.data_received("b,1:c,");
  CHECK(receiver.strings == Strings{"a"});
}

TEST_CASE("netstrings cross a real TCP connection and the replies come back in order",
          "[common][part12][netstring][tcp]") {
  CHECK(exchange_over_tcp({"5:hel", "lo,0:,3:a", "bc,3:bye,"}) == "5:HELLO,0:,3:ABC,");
}

TEST_CASE("over TCP, garbage after a good request gets one reply and a closed connection",
          "[common][part12][netstring][tcp]") {
  std::ostringstream log;
  pim::log::Redirect redirect(log);
  CHECK(exchange_over_tcp({"2:ok,xyz,2:no,"}) == "2:OK,");
  CHECK(log.str().find("Netstring protocol error from 127.0.0.1:") != std::string::npos);
  CHECK(log.str().find(": length starts with 'x', not a digit") != std::string::npos);
}
