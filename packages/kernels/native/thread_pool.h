// Persistent helper threads for splitting one kernel call in parts.
// Starting a std::thread per call costs a clone, a fresh stack and its page faults (about 30 µs of
// system time each here), more than a small batch's whole kernel: at experiments/smoke.yaml sizes two
// threads were slower than one. Helpers here are started once and woken per call.
#pragma once

#include <functional>

namespace tsa {

// Least work (multiply-adds) per part before a call is split: below it, waking a helper and waiting for
// it costs more than it saves.
constexpr double kMinWorkPerPart = 2.0e5;

// How many parts a call of `work` multiply-adds gets: at most `threads`, at least 1.
int parts_for(double work, int threads);

// Runs fn(part) for part in [0, parts), part 0 on the calling thread and the others on helpers; returns
// when all are done. Safe from several threads at once: a call that finds the helpers busy runs every
// part itself.
void parallel(int parts, const std::function<void(int)>& fn);

}  // namespace tsa
