#include "pim/threads.hpp"

#include <algorithm>

#include "pim/log.hpp"

namespace pim {

ThreadPool::ThreadPool(std::size_t threads) : size_(std::max<std::size_t>(threads, 1)) {}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_)
    worker.join();
}

void ThreadPool::submit(UniqueFunction<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    if (jobs_.size() > idle_ && workers_.size() < size_) {
      // Start workers lazily, only when no idle one can take the job, up to size(): a pool
      // that runs one job at a time never has more than one thread.
      workers_.emplace_back([this] { work(); });
    }
  }
  wake_.notify_one();
}

void ThreadPool::work() {
  for (;;) {
    UniqueFunction<void()> job;
    {
      std::unique_lock lock(mutex_);
      ++idle_;
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, and the queue is finished
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (...) {
      log::err(std::current_exception(), "Unhandled error in a thread pool job");
    }
  }
}

ThreadPool& ThreadPool::shared() {
  static ThreadPool pool(4);
  return pool;
}

}  // namespace pim
