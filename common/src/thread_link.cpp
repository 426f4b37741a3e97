// ThreadLink and Reactor::thread_link() (thread_link.hpp).
#include "pim/thread_link.hpp"

#include "pim/reactor.hpp"

namespace pim {

bool ThreadLink::call_from_thread(LocatedFunction<void()> f) {
  {
    // Queue while holding the lock: close() cannot finish, so the reactor cannot be destroyed,
    // until the call is safely in its queue.
    std::lock_guard lock(mutex_);
    if (reactor_ != nullptr) {
      reactor_->call_from_thread(std::move(f));
      return true;
    }
  }
  // The reactor is gone. `f` (and whatever it captured) is destroyed on return, outside the
  // lock, so a destructor that happens to use the link again cannot deadlock.
  return false;
}

bool ThreadLink::open() const {
  std::lock_guard lock(mutex_);
  return reactor_ != nullptr;
}

void ThreadLink::close() noexcept {
  std::lock_guard lock(mutex_);
  reactor_ = nullptr;
}

std::shared_ptr<ThreadLink> Reactor::thread_link() {
  if (!thread_link_.link) thread_link_.link = std::make_shared<ThreadLink>(*this);
  return thread_link_.link;
}

}  // namespace pim
