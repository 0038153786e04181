// A main() for a libFuzzer target built without libFuzzer (GCC, the normal
// test build): runs LLVMFuzzerTestOneInput on every file of the corpus
// folders given, then on `--mutations N` seeded mutations of each (bit flips,
// byte writes, cuts; deterministic), as a short regression in ctest. A
// finding aborts, which fails the test.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  long mutations = 0;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--mutations") == 0 && i + 1 < argc) {
      mutations = std::strtol(argv[++i], nullptr, 10);
      continue;
    }
    for (const auto& e : std::filesystem::directory_iterator(argv[i]))
      if (e.is_regular_file()) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::mt19937_64 rng(22);
  std::size_t runs = 0;
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto one = [&](const std::string& b) {
      (void)LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(b.data()), b.size());
      ++runs;
    };
    one(bytes);
    for (long m = 0; m < mutations && !bytes.empty(); ++m) {
      std::string b = bytes;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < edits; ++k) {
        const std::size_t at = 1 + rng() % (b.size() > 1 ? b.size() - 1 : 1);
        if (at >= b.size()) break;
        switch (rng() % 4) {
          case 0: b[at] = static_cast<char>(b[at] ^ (1u << (rng() % 8))); break;
          case 1: b[at] = static_cast<char>(rng()); break;
          case 2: b.resize(at); break;
          default: b[at] = static_cast<char>(rng() % 2 ? 0 : 0xFF); break;
        }
      }
      one(b);
    }
  }
  std::printf("%zu inputs from %zu corpus files: no finding\n", runs, files.size());
  return 0;
}
