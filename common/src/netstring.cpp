#include "pim/netstring.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <utility>

#include "pim/log.hpp"
#include "pim/transport.hpp"

namespace pim {

namespace {

// A byte as it should appear in an error message: printable characters quoted, anything else
// (a zero byte, a newline, half a UTF-8 sequence) as hex, so the log line stays one clean line.
std::string describe(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string{'\'', c, '\''};
  char hex[16];
  std::snprintf(hex, sizeof hex, "byte 0x%02x", byte);
  return hex;
}

}  // namespace

std::string encode_netstring(std::string_view data) {
  std::string encoded = std::to_string(data.size());
  encoded.reserve(encoded.size() + data.size() + 2);
  encoded += ':';
  encoded += data;
  encoded += ',';
  return encoded;
}

void NetstringReceiver::set_max_length(std::size_t n) {
  max_length_ = n;
}

void NetstringReceiver::send_string(std::string_view data) {
  // Three pieces rather than encode_netstring(): the transport copies what it cannot send at
  // once anyway, so building the whole netstring first would copy a large string twice.
  const std::string length = std::to_string(data.size());
  transport()->write_sequence(
      {std::string_view(length), std::string_view(":"), data, std::string_view(",")});
}

// The loop hands each state the rest of the chunk; each consumes what belongs to it. Checking
// listening() before every step is what stops delivery the moment string_received() (or an
// error handler) closed the connection, even with more strings waiting in the same chunk.
void NetstringReceiver::data_received(std::string_view data) {
  while (!data.empty() && listening()) {
    switch (state_) {
      case State::length:
        data.remove_prefix(take_length(data));
        break;
      case State::body:
        data.remove_prefix(take_body(data));
        break;
      case State::comma:
        take_comma(data.front());
        data.remove_prefix(1);
        break;
      case State::broken:
        return;
    }
  }
}

bool NetstringReceiver::listening() const {
  return state_ != State::broken && connected();
}

// Digits are folded into expected_ as they arrive, so the length field needs no buffer and a
// length too big for max_length() is caught at the digit that makes it too big: a peer sending
// "1000000000..." without ever sending ':' is refused after six digits, not after the colon.
std::size_t NetstringReceiver::take_length(std::string_view data) {
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] != ':') {
      if (!add_digit(data[i])) return i + 1;
      continue;
    }
    if (digits_ == 0) {
      fail("empty length before ':'");
    } else {
      digits_ = 0;
      state_ = expected_ == 0 ? State::comma : State::body;
    }
    return i + 1;
  }
  return data.size();
}

bool NetstringReceiver::add_digit(char c) {
  if (c < '0' || c > '9') {
    fail(digits_ == 0 ? "length starts with " + describe(c) + ", not a digit"
                      : "expected a digit or ':' in the length, got " + describe(c));
    return false;
  }
  // "0:" is the empty string; "05:" would let one length be spelled many ways, which the format
  // forbids so that every string has exactly one encoding.
  if (digits_ == 1 && expected_ == 0) {
    fail("length has a leading zero");
    return false;
  }
  const auto digit = static_cast<std::size_t>(c - '0');
  if (expected_ > (std::numeric_limits<std::size_t>::max() - digit) / 10) {
    fail("length has too many digits to be represented");
    return false;
  }
  expected_ = expected_ * 10 + digit;
  ++digits_;
  if (expected_ > max_length_) {
    // Without leading zeros, more digits only make the number bigger: refuse now.
    state_ = State::broken;
    length_limit_exceeded(expected_);
    return false;
  }
  return true;
}

std::size_t NetstringReceiver::take_body(std::string_view data) {
  const std::size_t n = std::min(data.size(), expected_ - body_.size());
  grow_body(body_.size() + n);
  body_.append(data.data(), n);
  if (body_.size() == expected_) state_ = State::comma;
  return n;
}

// The declared length is a claim, not a fact, so the buffer follows the bytes that actually
// arrived: it doubles (amortised constant time per byte, like std::string's own growth) but
// never beyond expected_, which is at most max_length(). Reserving expected_ up front would be
// simpler and would let a peer make us hold max_length() bytes for every connection by sending
// a dozen bytes each. A fresh string is reserved and filled, because std::string::reserve on a
// non-empty string may round the request up to twice the old capacity.
void NetstringReceiver::grow_body(std::size_t needed) {
  if (needed <= body_.capacity()) return;
  const std::size_t target = std::min(expected_, std::max(needed, 2 * body_.capacity()));
  std::string bigger;
  bigger.reserve(target);
  bigger.append(body_);
  body_.swap(bigger);
}

void NetstringReceiver::take_comma(char c) {
  if (c != ',') {
    fail("expected ',' after the " + std::to_string(expected_) + "-byte string, got " +
         describe(c));
    return;
  }
  deliver();
}

// The state is reset before the call, so string_received() sees a receiver ready for the next
// string (and may throw, close the connection or send replies without confusing the decoder).
void NetstringReceiver::deliver() {
  std::string done;
  done.swap(body_);
  state_ = State::length;
  expected_ = 0;
  digits_ = 0;
  string_received(std::move(done));
}

// Once the framing is lost there is no way to find the start of the next string, so the
// receiver stops for good (Twisted's brokenPeer) and drops what it held.
void NetstringReceiver::fail(const std::string& problem) {
  state_ = State::broken;
  std::string().swap(body_);
  netstring_error(NetstringParseError(problem));
}

void NetstringReceiver::length_limit_exceeded(std::size_t declared_length) {
  std::shared_ptr<Transport> connection = transport();
  log::write("Netstring from " + connection->get_peer() + " is too long: length " +
             std::to_string(declared_length) + " or more, max_length is " +
             std::to_string(max_length_) + "; closing the connection");
  connection->lose_connection();
}

void NetstringReceiver::netstring_error(const NetstringParseError& error) {
  std::shared_ptr<Transport> connection = transport();
  log::write("Netstring protocol error from " + connection->get_peer() + ": " + error.what());
  connection->lose_connection();
}

}  // namespace pim
