/// \file
/// \brief Netstrings: length-prefixed messages over a byte stream, and the protocol that reads
/// them.
///
/// Introduced in part 12, where the transform server and its client exchange requests and
/// replies as netstrings. The C++ counterpart of Twisted's NetstringReceiver. Tests:
/// common/tests/test_netstring.cpp.
///
/// TCP delivers bytes, not messages: one data_received() may hold half a message, or three and a
/// bit. A protocol that exchanges messages must say where each one ends. A netstring does it by
/// announcing the length first, in decimal, then a colon, the bytes themselves, and a comma:
///
///     "hello"  ->  5:hello,
///     ""       ->  0:,
///
/// Because the length comes first, the message may contain anything (newlines, colons, commas,
/// zero bytes) and the reader never scans the body for a terminator. The trailing comma is
/// redundant, and that is its use: if it is not where the length says, the two ends disagree
/// about the framing and the connection cannot be trusted any more.
///
/// \code
/// class EchoProtocol : public pim::NetstringReceiver {
///  protected:
///   void string_received(std::string data) override { send_string(data); }
/// };
/// \endcode
///
/// **A peer cannot make us allocate.** A length field is a promise the peer may not keep, so the
/// receiver never trusts it with memory: a declared length above max_length() is refused as soon
/// as its digits show it (length_limit_exceeded(), before the colon even arrives), and a body is
/// stored as its bytes arrive, never reserved in advance. Whatever a peer sends, a connection
/// holds at most max_length() bytes of body plus a few bytes of length field.
///
/// **Errors end the conversation.** After malformed input or an over-long length, the receiver
/// stops decoding for good on that connection: the stream has lost its framing, and any
/// "message" read after that point would be a guess.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "pim/protocol.hpp"

namespace pim {

/// Malformed netstring input; what() names the problem (e.g. `length has a leading zero`,
/// `expected ',' after the 5-byte string, got 'x'`). NetstringReceiver passes it to
/// netstring_error() rather than throwing it, so it never escapes data_received().
class NetstringParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Encodes one netstring: `encode_netstring("hi")` is `"2:hi,"`.
/// \param data any bytes, including zero bytes, colons and commas
/// \returns `<length>:<bytes>,` with the length in decimal, without leading zeros
std::string encode_netstring(std::string_view data);

/// A protocol that receives and sends netstrings (Twisted's NetstringReceiver).
///
/// Derive from it and override string_received(); it is called once per complete string, in
/// order, however the bytes were cut into data_received() calls. send_string() writes one
/// string. connection_made() and connection_lost() may be overridden as for any Protocol.
///
/// The decoder is a small state machine (length digits, body, comma) fed a chunk at a time; it
/// keeps only the value of the length field and the current body between calls.
class NetstringReceiver : public Protocol {
 public:
  /// The longest string accepted unless set_max_length() says otherwise (as in Twisted:
  /// five digits of length, just under 100 kB).
  static constexpr std::size_t default_max_length = 99999;

  /// Sets the longest string this receiver accepts. Checked at every length digit received
  /// from now on; a string whose length was already accepted keeps it.
  /// \param n the limit in bytes; 0 allows only the empty string
  void set_max_length(std::size_t n);

  /// The longest string this receiver accepts (default_max_length unless set).
  std::size_t max_length() const { return max_length_; }

  /// Encodes \p data and writes one netstring on the transport (ignored, like any write, once
  /// the transport is closing).
  /// \param data the string to send; need not outlive the call
  /// \throws NotConnectedError if there is no transport
  void send_string(std::string_view data);

  /// Decodes \p data, which may hold any part of any number of netstrings, and calls
  /// string_received() for each string it completes. Calls netstring_error() or
  /// length_limit_exceeded() on bad input, and then ignores everything else received on this
  /// connection; stops too as soon as the transport is no longer connected (a callback closed
  /// it). Final: subclasses receive strings, not bytes.
  /// \param data the bytes received; only valid during the call (what is kept is copied)
  void data_received(std::string_view data) final;

  /// Bytes of memory reserved for the string being received (its buffer's capacity; the
  /// length field needs none, it is parsed as it arrives). Never more than max_length() plus a
  /// small constant, and never more than about twice what has arrived: tests use it to check
  /// that a huge declared length allocated nothing.
  std::size_t buffered_bytes() const noexcept { return body_.capacity(); }

 protected:
  /// One complete string, in order. May call `transport()->lose_connection()`; then no more
  /// strings are delivered, even if more were in the same chunk. The decoder is ready for the
  /// next string before this is called, so it may also send replies or throw (the exception
  /// leaves data_received() like any protocol callback's, and the rest of the chunk is dropped).
  /// \param data the string's bytes, without length or comma; the receiver keeps no copy
  virtual void string_received(std::string data) = 0;

  /// A declared length above max_length(), noticed before any buffer of that size exists
  /// (often before the whole length has arrived: \p declared_length is then the digits seen
  /// so far, already too big). Default: logs
  /// `Netstring from PEER is too long: length N or more, max_length is M; closing the connection`
  /// and loses the connection. Either way nothing more is decoded on this connection.
  /// \param declared_length the length, or the part of it received so far; above max_length()
  virtual void length_limit_exceeded(std::size_t declared_length);

  /// Malformed input: a non-digit in the length, a leading zero (other than `0:`), a length
  /// too long to represent, or a missing `:` or `,`. Default: logs
  /// `Netstring protocol error from PEER: WHAT` and loses the connection. Either way nothing
  /// more is decoded on this connection: the framing is lost.
  /// \param error what() names the problem and the offending byte
  virtual void netstring_error(const NetstringParseError& error);

 private:
  enum class State {
    length,  // reading the decimal length, one digit at a time, into expected_
    body,    // reading expected_ bytes into body_
    comma,   // expecting the terminating ','
    broken,  // a fatal error was reported: ignore everything from now on
  };

  std::size_t take_length(std::string_view data);
  std::size_t take_body(std::string_view data);
  void take_comma(char c);
  bool add_digit(char c);
  void grow_body(std::size_t needed);
  void deliver();
  void fail(const std::string& problem);
  bool listening() const;

  std::size_t max_length_ = default_max_length;
  State state_ = State::length;
  std::size_t digits_ = 0;    // digits of the length field seen so far
  std::size_t expected_ = 0;  // the length field's value so far, then the body's length
  std::string body_;          // the string so far; grows only as its bytes arrive
};

}  // namespace pim
