// load_bench: how fast load_snapshot reads each format, beside the ceilings
// on the same bytes (bare RapidJSON SAX with a null handler, simdjson, zlib
// inflate), plus the AnalysisGraph CSR build. One self-describing line per
// case; bench/load_bench.sh runs it on the 1M-account snapshot.
//
//   load_bench [--reps N] [--threads 1,2] [--csr] [--load-only] FILE_OR_CSV_FOLDER...
#include <rapidjson/reader.h>
#include <simdjson.h>
#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"

namespace {

using hydrascope::LoadOptions;
using hydrascope::LoadReport;
using hydrascope::Snapshot;
using hydrascope::SnapshotFormat;

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds (user + system) of this process, all threads.
double cpu_s() {
  struct rusage u {};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

// CPU seconds of the run that gave the last best_of() minimum. On a shared
// machine a one-thread case's CPU time is close to its wall time on an idle one.
double g_best_cpu = 0.0;

// Best (minimum) wall time of `reps` runs of fn; `setup` runs untimed before each.
double best_of(int reps, const std::function<void()>& fn, const std::function<void()>& setup = {}) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    if (setup) setup();
    const double c0 = cpu_s();
    const double t0 = now_s();
    fn();
    const double t = now_s() - t0;
    if (t < best) {
      best = t;
      g_best_cpu = cpu_s() - c0;
    }
  }
  return best;
}

std::string cpu_field() {
  char buf[48];
  std::snprintf(buf, sizeof buf, " cpu_s=%.3f", g_best_cpu);
  return buf;
}

// Whole file into memory (decompressed when gzip).
std::string read_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "load_bench: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  gzbuffer(f, 1 << 20);
  std::string out;
  std::vector<char> buf(std::size_t{1} << 22);
  int n = 0;
  while ((n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()))) > 0) out.append(buf.data(), static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

// Reads the raw (possibly compressed) bytes: one buffer of the file's size.
std::string read_raw(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "load_bench: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  std::string out(static_cast<std::size_t>(std::max(0L, size)), '\0');
  const std::size_t got = std::fread(out.data(), 1, out.size(), f);
  std::fclose(f);
  out.resize(got);
  return out;
}

// Inflates gzip bytes in memory; returns the uncompressed size.
std::size_t inflate_all(const std::string& gz) {
  z_stream z{};
  inflateInit2(&z, 15 + 16);
  std::vector<unsigned char> out(std::size_t{1} << 20);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::size_t total = 0;
  for (;;) {
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    total += out.size() - z.avail_out;
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z);  // next gzip member
      continue;
    }
    if (rc != Z_OK) break;
  }
  inflateEnd(&z);
  return total;
}

struct NullHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NullHandler> {};

// The flags hydrascope's readers use (json_reader.cpp, ndjson_reader.cpp).
constexpr unsigned kSameFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag;

template <unsigned Flags>
bool rapidjson_document(const std::string& text) {
  rapidjson::Reader reader;
  NullHandler h;
  rapidjson::StringStream ss(text.c_str());
  return !reader.Parse<Flags>(ss, h).IsError();
}

// Each non-empty line parsed on its own, in place on a copy (as the NDJSON reader does).
template <unsigned Flags>
bool rapidjson_lines(std::string& text) {
  rapidjson::Reader reader;
  NullHandler h;
  std::size_t start = 0;
  bool ok = true;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    if (nl > start) {
      const char saved = nl < text.size() ? text[nl] : '\0';
      if (nl < text.size()) text[nl] = '\0';
      rapidjson::InsituStringStream ss(&text[start]);
      ok = ok && !reader.Parse<Flags | rapidjson::kParseInsituFlag>(ss, h).IsError();
      if (nl < text.size()) text[nl] = saved;
    }
    start = nl + 1;
  }
  return ok;
}

void line(const std::string& text) {
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 3;
  std::vector<int> threads{1, 2};
  bool csr = false, load_only = false;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--threads" && i + 1 < argc) {
      threads.clear();
      std::stringstream ss(argv[++i]);
      for (std::string t; std::getline(ss, t, ',');) threads.push_back(std::atoi(t.c_str()));
    } else if (a == "--csr") {
      csr = true;
    } else if (a == "--load-only") {
      load_only = true;
    } else if (a == "-h" || a == "--help") {
      std::printf("usage: load_bench [--reps N] [--threads 1,2] [--csr] [--load-only] FILE_OR_CSV_FOLDER...\n"
                  "  --load-only  only the hydrascope load cases (no ceilings; for profiling)\n");
      return 0;
    } else {
      inputs.push_back(a);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: load_bench [--reps N] [--threads 1,2] [--csr] FILE_OR_CSV_FOLDER...\n");
    return 2;
  }

  bool csr_done = false;
  for (const std::string& path : inputs) {
    const SnapshotFormat format = hydrascope::detect_format(path);
    const std::string fname(hydrascope::to_string(format));
    // hydrascope: load_snapshot, best of reps, per thread count.
    double best_t1 = 0.0, cpu_t1 = 0.0;
    std::uint64_t bytes = 0;
    bool gzip = false;
    for (int t : threads) {
      LoadOptions o;
      o.threads = t;
      LoadReport rep;
      std::uint64_t nodes = 0, edges = 0, model = 0;
      const double best = best_of(reps, [&] {
        const Snapshot s = hydrascope::load_snapshot(path, o, &rep);
        nodes = s.num_nodes();
        edges = s.num_edges();
        model = s.memory_bytes();
      });
      bytes = rep.bytes_read;
      gzip = rep.gzip;
      if (t == threads.front()) {
        best_t1 = best;
        cpu_t1 = g_best_cpu;
      }
      line("case=load impl=hydrascope format=" + fname + " gzip=" + (gzip ? "1" : "0") + " threads=" +
           std::to_string(t) + " reps=" + std::to_string(reps) + " n=" + std::to_string(nodes) +
           " m=" + std::to_string(edges) + " bytes=" + std::to_string(bytes) + " best_s=" + fmt("%.3f", best) + cpu_field() +
           " MB_s=" + fmt("%.1f", static_cast<double>(bytes) / 1e6 / best) + " model_bytes=" + std::to_string(model) +
           " input=" + path);
    }

    if (format == SnapshotFormat::CsvPair || load_only) continue;  // no JSON ceiling for CSV
    // Ceilings on the same bytes, one thread, from memory.
    std::string raw;
    const double t_io = best_of(1, [&] { raw = read_raw(path); });
    if (gzip) {
      std::size_t out = 0;
      const double t = best_of(reps, [&] { out = inflate_all(raw); });
      line("case=ceiling impl=zlib-inflate format=" + fname + " gzip=1 threads=1 bytes=" + std::to_string(out) +
           " best_s=" + fmt("%.3f", t) + " MB_s=" + fmt("%.1f", static_cast<double>(out) / 1e6 / t) +
           " note=from_memory input=" + path);
    }
    const std::string text = gzip ? read_file(path) : std::move(raw);
    line("case=io impl=read-file format=" + fname + " gzip=" + (gzip ? "1" : "0") + " bytes=" +
         std::to_string(text.size()) + " first_read_s=" + fmt("%.3f", t_io) +
         " note=page_cache_warm_after_loads input=" + path);
    const double mb = static_cast<double>(text.size()) / 1e6;
    const bool lines = format == SnapshotFormat::Ndjson;
    double t_same = 0, t_default = 0;
    bool ok_same = true, ok_default = true;
    double c_same = 0, c_default = 0;
    if (lines) {
      // In-situ parsing writes into the text: each run gets a fresh copy (untimed).
      std::string work;
      const auto fresh = [&] { work = text; };
      t_same = best_of(reps, [&] { ok_same = rapidjson_lines<kSameFlags>(work); }, fresh);
      c_same = g_best_cpu;
      t_default = best_of(reps, [&] { ok_default = rapidjson_lines<rapidjson::kParseDefaultFlags>(work); }, fresh);
      c_default = g_best_cpu;
    } else {
      t_same = best_of(reps, [&] { ok_same = rapidjson_document<kSameFlags>(text); });
      c_same = g_best_cpu;
      t_default = best_of(reps, [&] { ok_default = rapidjson_document<rapidjson::kParseDefaultFlags>(text); });
      c_default = g_best_cpu;
    }
    line("case=ceiling impl=rapidjson-sax-null flags=same_as_reader format=" + fname + " threads=1 bytes=" +
         std::to_string(text.size()) + " ok=" + (ok_same ? "1" : "0") + " best_s=" + fmt("%.3f", t_same) + " cpu_s=" + fmt("%.3f", c_same) + " hydrascope_t1_cpu_ratio=" + fmt("%.2f", c_same / cpu_t1) + " MB_s=" + fmt("%.1f", mb / t_same) +
         " hydrascope_t1_ratio=" + fmt("%.2f", t_same / best_t1) + " note=from_memory_no_io input=" + path);
    line("case=ceiling impl=rapidjson-sax-null flags=default format=" + fname + " threads=1 bytes=" +
         std::to_string(text.size()) + " ok=" + (ok_default ? "1" : "0") + " best_s=" + fmt("%.3f", t_default) + " cpu_s=" + fmt("%.3f", c_default) + " hydrascope_t1_cpu_ratio=" + fmt("%.2f", c_default / cpu_t1) + " MB_s=" + fmt("%.1f", mb / t_default) +
         " hydrascope_t1_ratio=" + fmt("%.2f", t_default / best_t1) + " note=from_memory_no_io input=" + path);
    // simdjson: DOM parse of the document, or parse_many over the lines.
    {
      simdjson::padded_string padded(text);
      simdjson::dom::parser parser;
      // Capacity allocated (and a warm-up run made) before timing.
      if (!lines && parser.allocate(padded.size()) != simdjson::SUCCESS) std::fprintf(stderr, "simdjson: allocate failed\n");
      std::size_t docs = 0;
      bool ok = true;
      const auto run = [&] {
        docs = 0;
        if (lines) {
          simdjson::dom::document_stream stream;
          if (parser.parse_many(padded).get(stream)) {
            ok = false;
            return;
          }
          for (auto doc : stream) {
            if (doc.error()) ok = false;
            ++docs;
          }
        } else {
          simdjson::dom::element e;
          ok = parser.parse(padded).get(e) == simdjson::SUCCESS;
          docs = 1;
        }
      };
      run();
      const double t = best_of(reps, run);
      line("case=ceiling impl=simdjson-dom format=" + fname + " threads=1 bytes=" + std::to_string(text.size()) +
           " docs=" + std::to_string(docs) + " ok=" + (ok ? "1" : "0") + " best_s=" + fmt("%.3f", t) +
           " MB_s=" + fmt("%.1f", mb / t) + " hydrascope_t1_ratio=" + fmt("%.2f", t / best_t1) +
           " note=from_memory_no_io input=" + path);
    }

    if (csr && !csr_done) {
      csr_done = true;
      const Snapshot s = hydrascope::load_snapshot(path);
      for (const char* mode : {"default", "structural"}) {
        const hydrascope::GraphOptions go =
            std::strcmp(mode, "default") == 0 ? hydrascope::GraphOptions{} : hydrascope::GraphOptions::structural();
        std::uint64_t n = 0, m = 0, mem = 0;
        const double t = best_of(reps, [&] {
          const hydrascope::AnalysisGraph g = hydrascope::build_analysis_graph(s, go);
          n = g.num_nodes();
          m = g.num_edges();
          mem = g.memory_bytes();
        });
        line(std::string("case=csr_build impl=build_analysis_graph options=") + mode +
             " threads=omp_default n=" + std::to_string(n) + " snapshot_m=" + std::to_string(s.num_edges()) +
             " m=" + std::to_string(m) + " best_s=" + fmt("%.3f", t) + " graph_bytes=" + std::to_string(mem) +
             " input=" + path);
      }
      const double t_inc = best_of(reps, [&] { (void)hydrascope::build_incidence(s); });
      line("case=incidence_build impl=build_incidence n=" + std::to_string(s.num_nodes()) +
           " m=" + std::to_string(s.num_edges()) + " best_s=" + fmt("%.3f", t_inc) + " input=" + path);
    }
  }
  return 0;
}
