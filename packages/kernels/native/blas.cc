// See blas.h.
#include "blas.h"

#include <string>

namespace tsa {

#ifdef TSA_OPENBLAS
const char* gemm_library() {
  static const std::string name = std::string("openblas ") + openblas_get_corename();
  return name.c_str();
}
void gemm_library_init() { openblas_set_num_threads(1); }
#else
const char* gemm_library() { return "hand loops"; }
void gemm_library_init() {}
#endif

}  // namespace tsa
