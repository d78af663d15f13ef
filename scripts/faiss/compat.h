// Force-included when building faiss-node against Debian's libfaiss.
// faiss < 1.7.4 declares idx_t inside faiss::Index only; faiss-node expects faiss::idx_t.
#pragma once
#include <faiss/Index.h>
#include <faiss/impl/platform_macros.h>
#if !defined(FAISS_VERSION_MAJOR) || (FAISS_VERSION_MAJOR == 1 && (FAISS_VERSION_MINOR < 7 || (FAISS_VERSION_MINOR == 7 && FAISS_VERSION_PATCH < 4)))
namespace faiss { using idx_t = faiss::Index::idx_t; }
#endif
