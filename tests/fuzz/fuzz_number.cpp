// libFuzzer target: the number parsers, through the loaders that use them.
// The input text becomes, in turn: an edge-list weight, a CSV weight, a CSV
// attribute cell (typed as int, double, bool or string), a CSV timestamp
// cell (RFC 3339 or integer Unix seconds), and the raw JSON value of an
// NDJSON weight, attribute and timestamp. Each must load or fail with an
// InputError, and what loads must round-trip.
#include <filesystem>

#include "fuzz_util.hpp"

namespace {
using namespace hydrascope;

std::string csv_quote(std::string_view v) {
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

void csv_pair(const std::string& nodes, const std::string& edges) {
  (void)fuzz::write_file("pair/nodes.csv", nodes);
  (void)fuzz::write_file("pair/edges.csv", edges);
  (void)fuzz::try_load(fuzz::scratch() + "/pair", SnapshotFormat::CsvPair);
}

void ndjson(const std::string& node_fields, const std::string& edge_fields) {
  const std::string text = "{\"format\": \"hydrascope.snapshot\", \"version\": 1}\n"
                           "{\"kind\": \"node\", \"id\": \"a:1\", \"type\": \"account\"" + node_fields + "}\n"
                           "{\"kind\": \"node\", \"id\": \"ip:1\", \"type\": \"ip\"}\n"
                           "{\"kind\": \"edge\", \"src\": \"a:1\", \"dst\": \"ip:1\", \"type\": \"uses\"" +
                           edge_fields + "}\n";
  (void)fuzz::try_load(fuzz::write_file("number.ndjson", text), SnapshotFormat::Ndjson);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool made = std::filesystem::create_directories(fuzz::scratch() + "/pair");
  (void)made;
  const std::string v(fuzz::as_text(data, size));
  const std::string q = csv_quote(v);
  (void)fuzz::try_load(fuzz::write_file("number.edges", "a b " + v + "\n"), SnapshotFormat::EdgeList);
  const std::string nodes = "id,type\na:1,account\nip:1,ip\n";
  csv_pair(nodes, "src,dst,type,weight\na:1,ip:1,uses," + q + "\n");
  csv_pair("id,type,score\na:1,account," + q + "\nip:1,ip,\n", "src,dst,type\na:1,ip:1,uses\n");
  csv_pair("id,type,created_at\na:1,account," + q + "\nip:1,ip,\n", "src,dst,type\na:1,ip:1,uses\n");
  csv_pair(nodes, "src,dst,type,first_seen,last_seen\na:1,ip:1,uses," + q + "," + q + "\n");
  ndjson("", ", \"weight\": " + v);
  ndjson(", \"attrs\": {\"score\": " + v + "}", "");
  ndjson(", \"created_at\": " + v, "");
  return 0;
}
