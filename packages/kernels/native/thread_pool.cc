// See thread_pool.h.
#include "thread_pool.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tsa {
namespace {

class ThreadPool {
 public:
  void run(int parts, const std::function<void(int)>& fn) {
    // One call at a time owns the helpers. A second JavaScript thread calling meanwhile (a program using
    // worker_threads) runs its parts itself rather than waiting or corrupting the job in flight.
    std::unique_lock<std::mutex> owner(call_, std::try_to_lock);
    if (!owner.owns_lock()) {
      for (int p = 0; p < parts; ++p) fn(p);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      grow(parts - 1);
      job_ = &fn;
      parts_ = parts;
      pending_ = parts - 1;
      ++generation_;
    }
    wake_.notify_all();
    fn(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  // Called with the lock held, before the generation moves on: a new helper starts from the current
  // generation, so it cannot miss the job it was started for.
  void grow(int helpers) {
    while (started_ < helpers) {
      const int part = ++started_;
      std::thread([this, part, seen = generation_] { loop(part, seen); }).detach();
    }
  }

  void loop(int part, unsigned long seen) {
    for (;;) {
      const std::function<void(int)>* job;
      int parts;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        job = job_;
        parts = parts_;
      }
      if (part >= parts) continue;
      (*job)(part);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::mutex call_, mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* job_ = nullptr;
  int parts_ = 0, pending_ = 0, started_ = 0;
  unsigned long generation_ = 0;
};

// Never destroyed: helpers are detached and may still be waiting on its mutex while the process exits.
ThreadPool& pool() {
  static ThreadPool* instance = new ThreadPool();
  return *instance;
}

}  // namespace

int parts_for(double work, int threads) {
  const double by_work = work / kMinWorkPerPart;
  return std::max(1, std::min(threads, by_work < threads ? static_cast<int>(by_work) : threads));
}

void parallel(int parts, const std::function<void(int)>& fn) {
  if (parts <= 1) {
    fn(0);
    return;
  }
  pool().run(parts, fn);
}

}  // namespace tsa
