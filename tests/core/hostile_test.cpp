// Core defences of issue 17: temporaries that cannot be redirected by a
// planted symlink (random names, O_EXCL|O_NOFOLLOW), the keyed id hash
// (strings crafted to collide under the unkeyed one spread out), and the
// spreadsheet-cell encoding of analyst tables (reversible, numbers untouched).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/strings.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

namespace fs = std::filesystem;

std::string fresh(const std::string& name) {
  const std::string dir = std::string(HYDRASCOPE_TEST_TMP) + "/core-" + name + "-" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
using hydrascope::testing::read_all;

TEST(Temporaries, PlantedSymlinkAtThePredictableNameIsNotFollowed) {
  const std::string dir = fresh("symlink");
  std::ofstream(dir + "/victim") << "precious";
  // The old name of the temporary: NAME.tmp-<pid>.
  fs::create_symlink(dir + "/victim", dir + "/out.csv.tmp-" + std::to_string(::getpid()));
  write_file_atomic(dir + "/out.csv", "new");
  EXPECT_EQ(read_all(dir + "/victim"), "precious");
  EXPECT_EQ(read_all(dir + "/out.csv"), "new");
}

TEST(Temporaries, NamesAreRandomAndCreatedExclusively) {
  const std::string dir = fresh("names");
  std::set<std::string> names;
  for (int i = 0; i < 20; ++i) {
    AtomicFile f(dir + "/x");
    ASSERT_EQ(f.temp_path().rfind(dir + "/x.tmp-", 0), 0u);
    const std::string suffix = f.temp_path().substr(dir.size() + 7);
    EXPECT_EQ(suffix.size(), 12u) << suffix;
    EXPECT_EQ(suffix.find_first_not_of("0123456789abcdef"), std::string::npos) << suffix;
    EXPECT_NE(suffix, std::to_string(::getpid()));
    names.insert(f.temp_path());
  }
  EXPECT_EQ(names.size(), 20u);
  std::string path;
  const int fd = create_exclusive_file(dir + "/y-", path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_TRUE(fs::is_regular_file(path));
  const std::string folder = create_temp_folder(dir + "/z.tmp-");
  EXPECT_TRUE(fs::is_directory(folder));
  std::FILE* scratch = open_scratch_file(dir + "/s");
  ASSERT_NE(scratch, nullptr);
  std::fclose(scratch);
  for (const auto& e : fs::directory_iterator(dir))  // the scratch file has no name
    EXPECT_EQ(e.path().filename().string().find("s."), std::string::npos) << e.path();
}

// 16-byte printable strings with one hash_bytes() value (bench/hash_flood.cpp has the construction).
std::vector<std::string> colliding(std::size_t n) {
  constexpr std::uint64_t kP = 0x100000001b3ULL;
  auto step = [](std::uint64_t h, std::uint64_t w) {
    h = (h ^ w) * kP;
    return h ^ (h >> 29);
  };
  auto unshift = [](std::uint64_t y) {
    std::uint64_t x = y;
    for (int i = 0; i < 3; ++i) x = y ^ (x >> 29);
    return x;
  };
  std::uint64_t inv = kP;
  for (int i = 0; i < 6; ++i) inv *= 2 - kP * inv;
  const std::uint64_t h0 = 0xcbf29ce484222325ULL ^ (16 * 0x9E3779B97F4A7C15ULL);
  const std::uint64_t want = unshift(0x0123456789abcdefULL) * inv;
  std::vector<std::string> out;
  for (std::uint64_t counter = 0; out.size() < n; ++counter) {
    std::uint64_t w1 = 0, c = counter;
    for (int i = 0; i < 8; ++i, c /= 95) w1 |= (0x20 + c % 95) << (8 * i);
    const std::uint64_t w2 = step(h0, w1) ^ want;
    bool ok = true;
    for (int i = 0; i < 8 && ok; ++i) ok = ((w2 >> (8 * i)) & 0xff) >= 0x20 && ((w2 >> (8 * i)) & 0xff) <= 0x7e;
    if (!ok) continue;
    std::string s(16, ' ');
    std::memcpy(s.data(), &w1, 8);
    std::memcpy(s.data() + 8, &w2, 8);
    out.push_back(s);
  }
  return out;
}

TEST(HashFlood, CollidingIdsSpreadUnderTheKeyedHash) {
  const auto ids = colliding(300);
  std::set<std::uint64_t> unkeyed, keyed, slots;
  for (const auto& id : ids) {
    unkeyed.insert(hash_bytes(id));
    keyed.insert(hash_id(id));
    slots.insert(hash_id(id) & 1023);
  }
  EXPECT_EQ(unkeyed.size(), 1u) << "the construction must collide under hash_bytes";
  EXPECT_EQ(keyed.size(), ids.size());
  EXPECT_GT(slots.size(), 200u);  // 300 ids in 1024 slots: spread, not piled up
  StringPool pool;
  for (const auto& id : ids) pool.intern(id);
  EXPECT_EQ(pool.size(), ids.size());
  for (std::uint32_t i = 0; i < pool.size(); ++i) EXPECT_EQ(pool.find(ids[i]), i);  // ids keep first-intern order
}

TEST(SheetCells, FormulaCellsGetAQuoteThatReadersRemove) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"}, {"+1+2", "'+1+2"}, {"@SUM(1)", "'@SUM(1)"},
      {"\tx", "'\tx"}, {"'q", "''q"}, {"-5", "-5"}, {"+1.5e3", "+1.5e3"}, {"-", "'-"}, {"a=1", "a=1"},
      {"=a,b", "\"'=a,b\""}, {"", ""}};
  for (const auto& [text, cell] : cases) {
    std::string out;
    append_sheet_cell(out, text);
    EXPECT_EQ(out, cell) << text;
    std::string unquoted = out;
    if (!unquoted.empty() && unquoted.front() == '"') unquoted = unquoted.substr(1, unquoted.size() - 2);
    EXPECT_EQ(std::string(sheet_cell_text(unquoted)), text);
  }
  std::string raw;
  append_sheet_cell(raw, "=x", false);
  EXPECT_EQ(raw, "=x");
  EXPECT_FALSE(csv_formula_risk("-12.5"));
  EXPECT_TRUE(csv_formula_risk("-1-2"));
}

}  // namespace
}  // namespace hydrascope
