// The reactor's loop, descriptor table and thread entry (reactor.hpp). The backends live in
// reactor_select.cpp, reactor_poll.cpp and reactor_epoll.cpp.
#include "pim/reactor.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <stdexcept>

#include "pim/detail/signals.hpp"
#include "pim/detail/timer_queue.hpp"
#include "pim/error.hpp"
#include "pim/log.hpp"
#include "pim/options.hpp"

namespace pim {

namespace {

using std::chrono::nanoseconds;

std::string backend_list() {
  return "select, poll or epoll";
}

bool is_backend(std::string_view name) {
  const auto& names = reactor_backends();
  return std::find(names.begin(), names.end(), name) != names.end();
}

//! [loop-backend-choice]
std::unique_ptr<detail::Poller> make_poller(std::string_view name) {
  const std::string chosen = name.empty() ? default_reactor_backend() : std::string(name);
  if (chosen == "select") return detail::make_select_poller();
  if (chosen == "poll") return detail::make_poll_poller();
  if (chosen == "epoll") return detail::make_epoll_poller();
  throw std::invalid_argument("unknown reactor backend '" + chosen + "': choose " + backend_list());
}
//! [loop-backend-choice]

const char* signal_name(int signal_number) {
  return signal_number == SIGINT ? "SIGINT" : signal_number == SIGTERM ? "SIGTERM" : "a signal";
}

//! [loop-guarded]
// Runs a callback the reactor was handed, so that nothing it throws can escape into the loop.
// The message is only built on failure: the success path costs a try block, which is free.
template <class F>
void guarded(F&& f, const char* what, const Where* where = nullptr) noexcept {
  try {
    f();
  } catch (...) {
    try {
      std::string why = std::string("Unhandled error in ") + what;
      if (where != nullptr) why += " scheduled at " + where->to_string();
      log::err(std::current_exception(), why);
    } catch (...) {
      // Logging itself failed (out of memory?): there is nobody left to tell.
    }
  }
}
//! [loop-guarded]

}  // namespace

// --- Backend choice ---------------------------------------------------------------------------

const std::vector<std::string>& reactor_backends() {
  static const std::vector<std::string> names{"select", "poll", "epoll"};
  return names;
}

//! [loop-default-backend]
std::string default_reactor_backend() {
  const char* chosen = std::getenv("PIM_REACTOR");
  if (chosen == nullptr || *chosen == '\0') return "epoll";
  if (!is_backend(chosen)) {
    throw std::invalid_argument(std::string("PIM_REACTOR=") + chosen +
                                " is not a reactor backend: choose " + backend_list());
  }
  return chosen;
}
//! [loop-default-backend]

Options& add_reactor_option(Options& options, std::string& backend) {
  return options.choice("reactor", "NAME",
                        "event loop backend: select, poll or epoll (default: $PIM_REACTOR if "
                        "set, else epoll)",
                        backend, reactor_backends());
}

Reactor make_reactor(std::string_view backend) {
  return Reactor(backend, StopOnSignals{});
}

Reactor make_reactor_or_exit(const Options& options, std::string_view backend) {
  try {
    return make_reactor(backend);
  } catch (const std::invalid_argument& error) {
    options.usage_error(error.what());
  }
}

// --- Construction -----------------------------------------------------------------------------

Reactor::Reactor(std::string_view backend) : poller_(make_poller(backend)) {
  // The wake-up channel for call_from_thread() and signals: a counter the kernel reports as
  // readable while non-zero. Non-blocking, so draining it can never hang the loop.
  wake_fd_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!wake_fd_) throw errno_error("cannot create the reactor's eventfd");
  poller_->set_interest(wake_fd_.get(), detail::read_interest);
  ready_.reserve(64);
}

Reactor::Reactor(std::string_view backend, StopOnSignals) : Reactor(backend) {
  stop_on_signals();
}

Reactor::~Reactor() {
  signals_.reset();
  // Release descriptors from a moved-out table: a descriptor's destructor that calls
  // remove_reader(*this) then finds an empty table instead of one being torn down.
  std::vector<Slot> slots = std::move(slots_);
  slots_.clear();
  slots.clear();
}

std::string_view Reactor::backend() const noexcept {
  return poller_->name();
}

nanoseconds Reactor::now() const {
  return std::chrono::steady_clock::now().time_since_epoch();
}

// --- Running and stopping ---------------------------------------------------------------------

void Reactor::add_startup_call(LocatedFunction<void()> f) {
  if (state_ == State::stopped) throw ReactorNotRestartable();
  startup_calls_.push_back(std::move(f));
}

//! [loop-run]
void Reactor::run() {
  if (state_ == State::running || state_ == State::stopping) throw ReactorAlreadyRunning();
  if (state_ == State::stopped) throw ReactorNotRestartable();
  state_ = State::running;
  // However run() ends (normally, or a backend failure), the reactor is over: mark it stopped
  // and give the signals back.
  struct Finish {
    Reactor& reactor;
    ~Finish() {
      reactor.state_ = State::stopped;
      reactor.signals_.reset();
      reactor.startup_calls_.clear();
    }
  } finish{*this};
  run_startup_calls();
  while (state_ == State::running) {
    iterate();
  }
}

void Reactor::stop() {
  if (state_ != State::running) throw ReactorNotRunning();
  state_ = State::stopping;
}
//! [loop-run]

//! [loop-startup-calls]
void Reactor::run_startup_calls() {
  // Index loop: a startup call may register another one (run() is already under way, so that
  // one runs immediately instead, but stay safe against the vector growing anyway).
  for (std::size_t i = 0; i < startup_calls_.size(); ++i) {
    LocatedFunction<void()> call = std::move(startup_calls_[i]);
    const Where where = call.where();
    guarded(call, "a startup call", &where);
  }
  startup_calls_.clear();
}
//! [loop-startup-calls]

void Reactor::stop_on_signals() {
  if (signals_ || state_ == State::stopped) return;
  signals_ = std::make_unique<detail::SignalStopper>(wake_fd_.get());
}

//! [loop-iterate]
void Reactor::iterate() {
  run_due_timers();
  if (state_ != State::running) return;
  ready_.clear();
  poller_->wait(poll_timeout(), ready_);
  ++batch_;
  // By index: ready_ is not touched by callbacks, but stay explicit about what is iterated.
  for (std::size_t i = 0; i < ready_.size(); ++i) {
    dispatch(ready_[i]);
  }
}

void Reactor::run_due_timers() {
  const nanoseconds now = this->now();
  // Calls scheduled from here on get a sequence >= `before` and wait for the next iteration:
  // the wait in between (with a zero timeout, since they are due) lets I/O in.
  const std::uint64_t before = timers().next_sequence();
  while (auto call = timers().pop_due(now, before)) {
    guarded([&] { call->invoke(); }, "a timed call", &call->where);
    call->release();
  }
}

nanoseconds Reactor::poll_timeout() {
  auto deadline = timers().next_deadline();
  if (!deadline) return nanoseconds(-1);  // nothing scheduled: sleep until I/O arrives
  return std::max(*deadline - now(), nanoseconds(0));
}
//! [loop-iterate]

// --- Dispatching ready descriptors ------------------------------------------------------------

bool Reactor::dispatchable(int fd) const noexcept {
  if (fd < 0 || static_cast<std::size_t>(fd) >= slots_.size()) return false;
  const Slot& slot = slots_[fd];
  // A registration made during this batch postdates the wait that produced the event: the
  // event may describe a closed file whose number was just reused. Skip it; if the new file is
  // ready, the next wait says so.
  return (slot.reader || slot.writer) && slot.registered_in != batch_;
}

//! [descriptor-dispatch]
void Reactor::dispatch(const detail::ReadyEvent& event) {
  if (event.fd == wake_fd_.get()) {
    handle_wake();
    return;
  }
  if (!dispatchable(event.fd)) return;
  if (event.invalid) {
    // Closed while registered (select/poll notice; epoll silently forgets). Whoever is
    // registered is told, so the program does not wait forever for it.
    Slot& slot = slots_[event.fd];
    std::shared_ptr<FileDescriptor> gone = slot.reader;
    if (!gone) gone = slot.writer;
    disconnect(event.fd, gone, std::make_exception_ptr(ConnectionLost(EBADF)));
    return;
  }
  // Copies of the shared_ptrs keep each object alive through its own callback, whatever the
  // callback removes. Slots are re-read after each call, since callbacks can change them.
  if (event.readable) {
    if (std::shared_ptr<ReadDescriptor> reader = slots_[event.fd].reader) {
      if (std::exception_ptr reason = call_do_read(*reader)) {
        disconnect(event.fd, reader, reason);
      }
    }
  }
  if (event.writable && dispatchable(event.fd)) {
    if (std::shared_ptr<WriteDescriptor> writer = slots_[event.fd].writer) {
      if (std::exception_ptr reason = call_do_write(*writer)) {
        disconnect(event.fd, writer, reason);
      }
    }
  }
}
//! [descriptor-dispatch]

//! [descriptor-call-do-read]
std::exception_ptr Reactor::call_do_read(ReadDescriptor& reader) {
  log::ContextScope context(reader);
  try {
    return reader.do_read();
  } catch (...) {
    std::exception_ptr error = std::current_exception();
    log::err(error, "Unhandled error in do_read; disconnecting");
    return error;
  }
}
//! [descriptor-call-do-read]

std::exception_ptr Reactor::call_do_write(WriteDescriptor& writer) {
  log::ContextScope context(writer);
  try {
    return writer.do_write();
  } catch (...) {
    std::exception_ptr error = std::current_exception();
    log::err(error, "Unhandled error in do_write; disconnecting");
    return error;
  }
}

//! [descriptor-disconnect]
void Reactor::disconnect(int fd, const std::shared_ptr<FileDescriptor>& descriptor,
                         std::exception_ptr reason) {
  // Remove the object from reading and writing (it may be registered for both), but leave
  // alone a *different* object that happens to write to the same fd.
  if (static_cast<std::size_t>(fd) < slots_.size()) {
    Slot& slot = slots_[fd];
    // Pointers compare as FileDescriptor*, the virtual base every descriptor has exactly once,
    // so "the same object" is recognised whichever interface it was registered through.
    const bool reads = slot.reader && slot.reader.get() == descriptor.get();
    const bool writes = slot.writer && slot.writer.get() == descriptor.get();
    update_interest(fd, slot.reader && !reads, slot.writer && !writes);
    if (reads) slot.reader.reset();
    if (writes) slot.writer.reset();
  }
  log::ContextScope context(*descriptor);
  guarded([&] { descriptor->connection_lost(reason); }, "connection_lost");
}
//! [descriptor-disconnect]

void Reactor::handle_wake() {
  // The order matters. Drain the eventfd first, then clear the flag, then take the queue. A
  // caller that set the flag before we cleared it had already queued its call, so we take that
  // call below. A caller that finds the flag clear writes the eventfd again, and the next wait
  // wakes up. (Clearing the flag *before* draining would lose wake-ups: a caller could set the
  // flag and write, we would drain that write and take its call, and the flag would stay set
  // with nothing left in the eventfd: every later caller would skip the write, and the loop
  // would sleep through their calls.)
  std::uint64_t count;
  [[maybe_unused]] ssize_t drained = ::read(wake_fd_.get(), &count, sizeof count);
  wake_pending_.store(false);
  {
    std::lock_guard lock(thread_calls_mutex_);
    std::swap(thread_calls_, running_thread_calls_);
  }
  for (auto& call : running_thread_calls_) {
    const Where where = call.where();
    guarded(call, "a call from another thread", &where);
  }
  running_thread_calls_.clear();  // keeps its capacity: no allocation next time
  if (signals_) {
    if (int signal_number = signals_->take_signal()) {
      log::msg(std::string("Received ") + signal_name(signal_number) + ", shutting down.");
      if (state_ == State::running) stop();
    }
  }
}

// --- Threads ----------------------------------------------------------------------------------

void Reactor::call_from_thread(LocatedFunction<void()> f) {
  {
    std::lock_guard lock(thread_calls_mutex_);
    thread_calls_.push_back(std::move(f));
  }
  // One eventfd write per wake-up is enough; later callers see the flag and skip the syscall.
  if (!wake_pending_.exchange(true)) {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t written = ::write(wake_fd_.get(), &one, sizeof one);
  }
}

// --- The descriptor table ---------------------------------------------------------------------

Reactor::Slot& Reactor::slot_for(int fd) {
  if (static_cast<std::size_t>(fd) >= slots_.size()) slots_.resize(fd + 1);
  return slots_[fd];
}

void Reactor::update_interest(int fd, bool reading, bool writing) {
  const Slot& slot = slots_[fd];
  const unsigned before =
      (slot.reader ? detail::read_interest : 0u) | (slot.writer ? detail::write_interest : 0u);
  const unsigned after =
      (reading ? detail::read_interest : 0u) | (writing ? detail::write_interest : 0u);
  // Only real changes reach the kernel (for epoll: one epoll_ctl per change, none per wait).
  if (before == after) return;
  if ((after & ~before) != 0) {
    poller_->set_interest(fd, after);  // new interest: a refusal must reach the caller
    return;
  }
  // Less interest: removing must not fail. If the kernel objects, the fd was closed before being
  // removed (a caller bug the class documents); there is nothing left to stop watching.
  try {
    poller_->set_interest(fd, after);
  } catch (const std::system_error&) {
  }
}

//! [descriptor-add-reader]
void Reactor::add_reader(std::shared_ptr<ReadDescriptor> reader) {
  if (!reader) throw std::invalid_argument("add_reader: null reader");
  const int fd = reader->fileno();
  if (fd < 0) throw std::invalid_argument("add_reader: fileno() is negative (closed?)");
  Slot& slot = slot_for(fd);
  if (slot.reader == reader) return;
  if (slot.reader) {
    throw std::invalid_argument("add_reader: fd " + std::to_string(fd) + " already has a reader");
  }
  const bool fresh = !slot.writer;
  update_interest(fd, true, bool(slot.writer));  // may throw: nothing is changed yet
  if (fresh) slot.registered_in = batch_;
  slot.reader = std::move(reader);
}
//! [descriptor-add-reader]

void Reactor::add_writer(std::shared_ptr<WriteDescriptor> writer) {
  if (!writer) throw std::invalid_argument("add_writer: null writer");
  const int fd = writer->fileno();
  if (fd < 0) throw std::invalid_argument("add_writer: fileno() is negative (closed?)");
  Slot& slot = slot_for(fd);
  if (slot.writer == writer) return;
  if (slot.writer) {
    throw std::invalid_argument("add_writer: fd " + std::to_string(fd) + " already has a writer");
  }
  const bool fresh = !slot.reader;
  update_interest(fd, bool(slot.reader), true);
  if (fresh) slot.registered_in = batch_;
  slot.writer = std::move(writer);
}

int Reactor::find_reader(const ReadDescriptor& reader) const noexcept {
  // Fast path: filed under its fileno(). The scan covers a descriptor that already closed its
  // fd (fileno() -1) before asking to be removed.
  const int fd = reader.fileno();
  if (fd >= 0 && static_cast<std::size_t>(fd) < slots_.size() &&
      slots_[fd].reader.get() == &reader) {
    return fd;
  }
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].reader.get() == &reader) return static_cast<int>(i);
  }
  return -1;
}

int Reactor::find_writer(const WriteDescriptor& writer) const noexcept {
  const int fd = writer.fileno();
  if (fd >= 0 && static_cast<std::size_t>(fd) < slots_.size() &&
      slots_[fd].writer.get() == &writer) {
    return fd;
  }
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].writer.get() == &writer) return static_cast<int>(i);
  }
  return -1;
}

void Reactor::remove_reader(const ReadDescriptor& reader) {
  const int fd = find_reader(reader);
  if (fd < 0) return;
  update_interest(fd, false, bool(slots_[fd].writer));
  // May destroy the object (if we held the last reference): `reader` is not used after this.
  slots_[fd].reader.reset();
}

void Reactor::remove_writer(const WriteDescriptor& writer) {
  const int fd = find_writer(writer);
  if (fd < 0) return;
  update_interest(fd, bool(slots_[fd].reader), false);
  slots_[fd].writer.reset();
}

//! [descriptor-readers]
std::vector<std::shared_ptr<ReadDescriptor>> Reactor::readers() const {
  std::vector<std::shared_ptr<ReadDescriptor>> found;
  for (const Slot& slot : slots_) {
    if (slot.reader) found.push_back(slot.reader);
  }
  return found;
}
//! [descriptor-readers]

std::vector<std::shared_ptr<WriteDescriptor>> Reactor::writers() const {
  std::vector<std::shared_ptr<WriteDescriptor>> found;
  for (const Slot& slot : slots_) {
    if (slot.writer) found.push_back(slot.writer);
  }
  return found;
}

std::vector<std::shared_ptr<FileDescriptor>> Reactor::remove_all() {
  std::vector<std::shared_ptr<FileDescriptor>> removed;
  for (std::size_t fd = 0; fd < slots_.size(); ++fd) {
    Slot& slot = slots_[fd];
    if (!slot.reader && !slot.writer) continue;
    update_interest(static_cast<int>(fd), false, false);
    if (slot.reader) removed.push_back(std::move(slot.reader));
    if (slot.writer) {
      std::shared_ptr<FileDescriptor> writer = std::move(slot.writer);
      if (removed.empty() || removed.back() != writer) removed.push_back(std::move(writer));
    }
    slot = Slot{};
  }
  return removed;
}

}  // namespace pim
