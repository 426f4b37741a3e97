/// \file
/// \brief The reactor: the event loop that waits for I/O and timers and calls your callbacks.
///
/// Introduced in part 3 (run, stop, call_when_running, call_later, backends, signals); part 4
/// adds the descriptor methods (add_reader and friends). The C++ counterpart of Twisted's
/// reactor, minus the global: create one, usually in `main`, and pass it down as `Reactor&`.
/// Tests: common/tests/test_reactor.cpp and test_reactor_descriptors.cpp, every one run against
/// all three backends.
///
/// \code
/// pim::Reactor reactor = pim::make_reactor();  // epoll, or $PIM_REACTOR; Ctrl-C stops it
/// reactor.call_when_running([] { std::cout << "Hello from the reactor loop!" << std::endl; });
/// reactor.call_later(5.0, [&] { reactor.stop(); });
/// reactor.run();  // returns five seconds later
/// \endcode
///
/// One turn of the loop (an *iteration*):
///  1. run the timed calls that are due (those scheduled during this step wait for the next
///     turn, so a callback rescheduling itself with a 0 s delay cannot starve I/O);
///  2. wait in select/poll/epoll until a descriptor is ready or the next timer is due (no timer,
///     no timeout: an idle reactor sleeps in the kernel and uses no CPU at all);
///  3. call do_read()/do_write() on each ready descriptor (and run calls from other threads).
///
/// Everything runs on the thread that called run(); while a callback runs, the loop does not.
/// All methods are for that thread only, except call_from_thread().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pim/descriptor.hpp"
#include "pim/detail/poller.hpp"
#include "pim/function.hpp"
#include "pim/socket.hpp"
#include "pim/thread_link.hpp"
#include "pim/timers.hpp"

namespace pim {

class Options;

namespace detail {
class SignalStopper;
}

/// Tag asking a Reactor to stop cleanly on SIGINT and SIGTERM: `Reactor r("poll",
/// StopOnSignals{})`.
struct StopOnSignals {};

/// An event loop (Twisted's reactor: IReactorCore, IReactorTime, IReactorFDSet and
/// IReactorThreads in one object).
///
/// **Life cycle.** A reactor runs at most once: ready -> running -> stopping -> stopped. This is
/// Twisted's choice too, and the reason is practical: stopping tears things down (signal
/// handlers are restored, pending work is abandoned), and a loop restarted on half-torn-down
/// state is a source of subtle bugs. Programs stop the reactor when they are finished; a program
/// that needs two loops creates two reactors.
///
/// **Errors in callbacks.** An exception escaping any callback (a timed call, a
/// call_when_running() or call_from_thread() function, do_read/do_write/connection_lost) is
/// logged with log::err (its type, message, and where the callback was scheduled) and the loop
/// carries on with the next callback. A descriptor whose do_read/do_write throws is disconnected
/// with the exception as the reason.
///
/// **Backends.** "select", "poll" or "epoll", chosen when the reactor is made (see
/// make_reactor()); they behave identically, which the tests check. epoll keeps each descriptor
/// registered in the kernel and is the only one whose cost does not grow with the number of idle
/// descriptors; select cannot watch fd numbers >= FD_SETSIZE (1024) at all.
class Reactor final : public ReactorTime {
 public:
  enum class State {
    ready,     ///< made, run() not called yet
    running,   ///< inside run()
    stopping,  ///< stop() was called; run() returns after the current step's callbacks
    stopped,   ///< run() has returned; the reactor cannot run again
  };

  /// Makes a reactor on \p backend. Signals are left alone (see stop_on_signals()).
  /// \param backend "select", "poll", "epoll", or "" for the default: `$PIM_REACTOR` if set,
  ///        else "epoll"
  /// \throws std::invalid_argument naming the bad backend (from the argument or the environment)
  /// \throws std::system_error if the kernel refuses a resource (epoll instance, eventfd)
  explicit Reactor(std::string_view backend = "");
  /// The same, then stop_on_signals().
  Reactor(std::string_view backend, StopOnSignals);

  /// Restores signal handlers and releases every descriptor and pending call (nothing is called).
  /// \pre the reactor is not running, and no other thread is calling call_from_thread()
  ~Reactor() override;

  /// The backend in use: "select", "poll" or "epoll".
  std::string_view backend() const noexcept;

  /// \name Running and stopping (part 3)
  ///@{

  /// Runs the loop in the calling thread until stop() is called, then returns. Startup calls
  /// (call_when_running) run first, in the order they were registered.
  /// \throws ReactorAlreadyRunning if called from inside the loop's own callbacks
  /// \throws ReactorNotRestartable if the reactor has already run
  /// \throws std::system_error only if the backend's wait itself fails (a bug, not a callback)
  void run();

  /// Asks the loop to stop. It takes effect once the callbacks of the current step (the due
  /// timers, or the ready descriptors, or the startup calls) have run; then run() returns
  /// without waiting for anything else. Pending timers never run.
  /// \throws ReactorNotRunning if the reactor is not running, or stop() was already called
  void stop();

  /// True inside run() until stop() is called.
  bool running() const noexcept { return state_ == State::running; }

  State state() const noexcept { return state_; }

  /// Runs `f(args...)` once the loop starts: startup calls run in registration order before the
  /// first wait. If the loop is already running, `f(args...)` runs *now*, before this returns,
  /// and its exceptions reach the caller (as in Twisted).
  ///
  /// \p args are copied when registering and passed to \p f as lvalues; \p f may be any callable
  /// (`call_when_running(&Countdown::count, &countdown)` works). The conversion of \p f records
  /// the caller's file and line for error reports.
  /// \throws ReactorNotRestartable if the reactor has stopped (\p f could never run)
  template <class... Args>
  void call_when_running(std::type_identity_t<LocatedFunction<void(Args&...)>> f, Args... args) {
    if (state_ == State::running || state_ == State::stopping) {
      f(args...);
      return;
    }
    const Where where = f.where();
    add_startup_call(LocatedFunction<void()>(
        UniqueFunction<void()>(
            [f = std::move(f), ... args = std::move(args)]() mutable { f(args...); }),
        where));
  }

  /// Makes SIGINT and SIGTERM stop the loop cleanly: the signal is logged (`Received SIGINT,
  /// shutting down.`), stop() is called, run() returns and destructors run, instead of the
  /// process dying on the spot.
  ///
  /// The handlers are installed now, so a Ctrl-C during set-up is remembered and stops the loop
  /// as soon as it starts. They are removed (the previous handlers restored) when run() returns,
  /// since a stopped reactor cannot act on them, or when the reactor is destroyed. Only the most
  /// recent reactor to call this receives the signals. Calling it twice, or on a stopped
  /// reactor, does nothing. make_reactor() calls it for you.
  /// \throws std::system_error if a handler cannot be installed
  void stop_on_signals();

  /// True while this reactor's SIGINT/SIGTERM handlers are installed.
  bool stops_on_signals() const noexcept { return signals_ != nullptr; }
  ///@}

  /// \name Time (part 3; call_later() is inherited from ReactorTime)
  ///@{

  /// The monotonic clock (std::chrono::steady_clock): it never jumps when the wall clock is set,
  /// so timers neither fire early nor hang when the system time changes.
  std::chrono::nanoseconds now() const override;
  ///@}

  /// \name File descriptors (part 4)
  ///
  /// The reactor keeps a `shared_ptr` to every registered descriptor, so a descriptor may remove
  /// itself (or any other) from inside its own callback, even dropping the last reference
  /// elsewhere: the object lives until the callback returns. A descriptor removed during a step
  /// receives no further callbacks in that step; one added during a step is first considered in
  /// the next. Remove a descriptor *before* closing its fd: epoll silently forgets closed fds,
  /// and poll/select would report events for whatever file reuses the number.
  ///@{

  /// Starts calling `reader->do_read()` whenever `reader->fileno()` is readable. Adding the same
  /// reader again does nothing.
  /// \throws std::invalid_argument if \p reader is null, its fileno() is negative, another
  ///         object already reads that fd, or the backend cannot watch it (select: fd >=
  ///         FD_SETSIZE); std::system_error if the kernel refuses it (epoll: a regular file)
  void add_reader(std::shared_ptr<ReadDescriptor> reader);

  /// Starts calling `writer->do_write()` whenever `writer->fileno()` is writable.
  /// \throws as add_reader()
  void add_writer(std::shared_ptr<WriteDescriptor> writer);

  /// Stops calling do_read() on \p reader. Does nothing if it is not registered.
  void remove_reader(const ReadDescriptor& reader);

  /// Stops calling do_write() on \p writer. Does nothing if it is not registered.
  void remove_writer(const WriteDescriptor& writer);

  /// Every registered reader, in fd order (the reactor's internal wake-up descriptor is not
  /// listed: only what you added).
  std::vector<std::shared_ptr<ReadDescriptor>> readers() const;

  /// Every registered writer, in fd order.
  std::vector<std::shared_ptr<WriteDescriptor>> writers() const;

  /// Removes every reader and writer (without calling connection_lost).
  /// \returns the descriptors removed, each once even if it was both reader and writer
  std::vector<std::shared_ptr<FileDescriptor>> remove_all();
  ///@}

  /// \name Threads
  ///@{

  /// Runs \p f on the reactor's thread during its next iteration, waking the loop if it is
  /// asleep. The one method that is safe to call from any thread, before or during run(); it
  /// is how a worker thread hands a result back to the loop. Calls run in the order they were
  /// made. After the reactor has stopped, \p f never runs (it is destroyed with the reactor).
  /// Not async-signal-safe: it locks a mutex and may allocate, so never call it from a signal
  /// handler (stop_on_signals() has its own path).
  void call_from_thread(LocatedFunction<void()> f);

  /// The handle worker threads should keep instead of a `Reactor&`: its call_from_thread() stays
  /// safe after this reactor is destroyed (calls are then dropped). Added in part 5 for
  /// connect_tcp()'s name look-ups; see thread_link.hpp. Reactor thread only; the link itself
  /// may be used from any thread.
  std::shared_ptr<ThreadLink> thread_link();
  ///@}

 private:
  struct Slot {
    std::shared_ptr<ReadDescriptor> reader;
    std::shared_ptr<WriteDescriptor> writer;
    std::uint64_t registered_in = 0;  // the batch during which this registration began
  };

  void add_startup_call(LocatedFunction<void()> f);
  void run_startup_calls();
  void iterate();
  void run_due_timers();
  std::chrono::nanoseconds poll_timeout();
  void dispatch(const detail::ReadyEvent& event);
  bool dispatchable(int fd) const noexcept;
  std::exception_ptr call_do_read(ReadDescriptor& reader);
  std::exception_ptr call_do_write(WriteDescriptor& writer);
  void disconnect(int fd, const std::shared_ptr<FileDescriptor>& descriptor,
                  std::exception_ptr reason);
  void handle_wake();
  Slot& slot_for(int fd);
  void update_interest(int fd, bool reading, bool writing);
  int find_reader(const ReadDescriptor& reader) const noexcept;
  int find_writer(const WriteDescriptor& writer) const noexcept;

  std::unique_ptr<detail::Poller> poller_;
  State state_ = State::ready;
  std::vector<LocatedFunction<void()>> startup_calls_;

  std::vector<Slot> slots_;  // indexed by fd: O(1) dispatch, and fds are small dense integers
  std::vector<detail::ReadyEvent> ready_;  // reused every iteration
  std::uint64_t batch_ = 0;                // counts completed waits

  // call_from_thread(): the one cross-thread path, so the one place with a mutex.
  Fd wake_fd_;  // an eventfd, always watched for reading
  std::mutex thread_calls_mutex_;
  std::vector<LocatedFunction<void()>> thread_calls_;          // guarded by the mutex
  std::vector<LocatedFunction<void()>> running_thread_calls_;  // reactor thread only
  std::atomic<bool> wake_pending_{false};

  std::unique_ptr<detail::SignalStopper> signals_;

  // Keep last: members are destroyed in reverse order, so this closes the link first (see
  // thread_link.hpp).
  detail::ThreadLinkCloser thread_link_;
};

/// How tutorial programs make their reactor: `Reactor(backend, StopOnSignals{})`, so Ctrl-C
/// ends the program through the normal path (run() returns, destructors run).
/// \param backend as for Reactor::Reactor(): "" means `$PIM_REACTOR`, else epoll
/// \throws as Reactor::Reactor()
Reactor make_reactor(std::string_view backend = "");

/// The backend names, in the order of their invention: select, poll, epoll.
const std::vector<std::string>& reactor_backends();

/// The backend "" stands for: the `PIM_REACTOR` environment variable if set and not empty,
/// else "epoll".
/// \throws std::invalid_argument if PIM_REACTOR names no backend
std::string default_reactor_backend();

/// Adds `--reactor select|poll|epoll` to a program's options, storing the choice in \p backend
/// (leave it empty for the default). Every program that runs a reactor offers it.
/// \returns \p options, for chaining
Options& add_reactor_option(Options& options, std::string& backend);

/// make_reactor() for a program's main(): a bad backend name (only possible through
/// `PIM_REACTOR`, since `--reactor` is checked while parsing) ends the program the way every
/// other usage error does, with a message and exit status 2, instead of an uncaught exception.
/// \param options the program's options, for the usage line
/// \param backend the `--reactor` choice (empty for the default)
/// \returns the reactor, stopping on SIGINT and SIGTERM
Reactor make_reactor_or_exit(const Options& options, std::string_view backend);

}  // namespace pim
