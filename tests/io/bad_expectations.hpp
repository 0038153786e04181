// The bad-input corpus's expected messages: file (or CSV folder) in
// tests/fixtures/bad -> what load_snapshot must say, after the fixture folder.
#pragma once

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hydrascope::testing {

// file (or folder) in tests/fixtures/bad -> the message after the fixture folder.
inline const std::map<std::string, std::string>& bad_expectations() {
  static const std::map<std::string, std::string> table = {
    {"attr_uint64.ndjson", "attr_uint64.ndjson:2: node #0 (a:1), field \"attrs\": attr \"big\" is the integer 18446744073709551615, outside the signed 64-bit range of integer attrs (write it as a string)"},  // issue 17
    {"created_at_bool.ndjson", "created_at_bool.ndjson:2: node #0 (a:1), field \"created_at\": must be an RFC 3339 timestamp string or integer Unix seconds, got a boolean"},  // issue 17
    {"csv_plain_and_gz", "csv_plain_and_gz: holds both nodes.csv and nodes.csv.gz: remove one (which one holds the snapshot cannot be told)"},  // issue 17
    {"nul_in_attr_key.ndjson", "nul_in_attr_key.ndjson:2: node #0 (a:1), field \"attrs\": attr \"k\\u0000\" holds a NUL character (\\u0000), which no CSV or export can carry"},  // issue 17
    {"nul_in_id.ndjson", "nul_in_id.ndjson:2: node #0 (a:\\x00x), field \"id\": holds a NUL character (\\u0000), which no CSV or export can carry"},  // issue 17
    {"nul_in_snapshot_id.ndjson", "nul_in_snapshot_id.ndjson:1: header, field \"snapshot.id\": holds a NUL character (\\u0000), which no CSV or export can carry"},  // issue 17
    {"weight_1e308.edges", "weight_1e308.edges:1: edge #0 (1 -> 2), field \"weight\": the weights of all edges up to this one add up to more than 1e100, the limit (sums and products of weights must stay finite in detection and scoring); scale the weights down"},  // issue 17
    {"weight_sum_over_limit.ndjson", "weight_sum_over_limit.ndjson:6: edge #1 (a:1 -> ip:2), field \"weight\": the weights of all edges up to this one add up to more than 1e100, the limit (sums and products of weights must stay finite in detection and scoring); scale the weights down"},  // issue 17
    {"activity_bad_buckets.ndjson", "activity_bad_buckets.ndjson:1: header, field \"snapshot.activity.buckets\": must be an integer from 1 to 1000000, got 0"},
    {"activity_late_header_mismatch.json", "activity_late_header_mismatch.json: byte 11: node #0 (a:1), field \"activity\": has 2 buckets, snapshot.activity.buckets is 3"},
    {"activity_negative.ndjson", "activity_negative.ndjson:2: node #0 (a:1), field \"activity\": bucket 1 must be a non-negative number, got -2"},
    {"activity_not_array.ndjson", "activity_not_array.ndjson:2: node #0 (a:1), field \"activity\": must be an array of non-negative numbers, got a number"},
    {"activity_string.ndjson", "activity_string.ndjson:2: node #0 (a:1), field \"activity\": bucket 1 is a string, expected a number"},
    {"activity_without_spec.ndjson", "activity_without_spec.ndjson:2: node #0 (a:1), field \"activity\": snapshot.activity is required when nodes have activity"},
    {"activity_wrong_length.ndjson", "activity_wrong_length.ndjson:2: node #0 (a:1), field \"activity\": has 2 buckets, snapshot.activity.buckets is 3"},
    {"attrs_array_value.ndjson", "attrs_array_value.ndjson:2: node #0 (a:1), field \"attrs\": attr \"tags\" is an array; attrs must be flat (string, number or boolean values)"},
    {"attrs_not_object.ndjson", "attrs_not_object.ndjson:2: node #0 (a:1), field \"attrs\": must be an object of string, number or boolean values, got a string"},
    {"bad_format.ndjson", "bad_format.ndjson:1: header, field \"format\": must be \"hydrascope.snapshot\", got \"hydrascope.snap\""},
    {"bad_kind.ndjson", "bad_kind.ndjson:3: record, field \"kind\": must be \"node\" or \"edge\", got \"vertex\""},
    {"bad_label.ndjson", "bad_label.ndjson:2: node #0 (a:1), field \"label\": must be one of banned, suspect, trusted, unknown; got \"evil\""},
    {"bad_taken_at.ndjson", "bad_taken_at.ndjson:1: header, field \"snapshot.taken_at\": must be an RFC 3339 timestamp (like 2026-02-20T00:00:00Z) or integer Unix seconds, got \"yesterday\""},
    {"bad_timestamp.ndjson", "bad_timestamp.ndjson:2: node #0 (a:1), field \"created_at\": must be an RFC 3339 timestamp (like 2026-02-20T00:00:00Z) or integer Unix seconds, got \"2026-02-30T00:00:00Z\""},
    {"bad_type_name.ndjson", "bad_type_name.ndjson:2: node #0 (a:1), field \"type\": must match [a-z][a-z0-9_]* (account, payment_method, ip, proxy, device, ...), got \"Account\""},
    {"bad_weight.edges", "bad_weight.edges:3: edge #1 (2 -> 3), field \"weight\": must be a positive finite number, got \"heavy\""},
    {"corrupt.ndjson.gz", "corrupt.ndjson.gz: corrupt gzip data: invalid bit length repeat (after 0 uncompressed bytes)"},
    {"csv_after_quote", "csv_after_quote/nodes.csv:2: field \"id\": unexpected character 'x' after a closing quote (field 1)"},
    {"csv_bad_timestamp", "csv_bad_timestamp/edges.csv:2: edge #0 (a:1 -> ip:1), field \"first_seen\": must be an RFC 3339 timestamp (like 2026-02-20T00:00:00Z) or integer Unix seconds, got \"2026-13-01T00:00:00Z\""},
    {"csv_bad_weight", "csv_bad_weight/edges.csv:2: edge #0 (a:1 -> ip:1), field \"weight\": must be a positive finite number, got \"-2\""},
    {"csv_duplicate_column", "csv_duplicate_column/nodes.csv:1: field \"type\": column appears twice in the header row"},
    {"csv_empty_nodes", "csv_empty_nodes/nodes.csv: is empty: a header row is required"},
    {"csv_field_count", "csv_field_count/nodes.csv:4: node #2 (d:1): has 1 fields, the header row has 2"},
    {"csv_missing_column", "csv_missing_column/nodes.csv:1: field \"type\": the header row has no \"type\" column (it is required)"},
    {"csv_missing_edge_column", "csv_missing_edge_column/edges.csv:1: field \"type\": the header row has no \"type\" column (it is required)"},
    {"csv_no_edges", "csv_no_edges: has no edges.csv or edges.csv.gz (a CSV snapshot needs both nodes.csv and edges.csv)"},
    {"csv_nul", "csv_nul/nodes.csv:2: NUL byte in the data"},
    {"csv_quote_in_unquoted", "csv_quote_in_unquoted/nodes.csv:2: field \"id\": quote inside an unquoted field (field 1); quote the whole field and double inner quotes"},
    {"csv_quoted_newline_bad_label", "csv_quoted_newline_bad_label/nodes.csv:6: node #2 (d:1), field \"label\": must be one of banned, suspect, trusted, unknown; got \"evil\""},
    {"csv_quoted_newline_duplicate", "csv_quoted_newline_duplicate/nodes.csv:6: node #3 (a:1), field \"id\": duplicate node id (first declared as node #0)"},
    {"csv_self_loop", "csv_self_loop/edges.csv:2: edge #0 (a:1 -> a:1), field \"dst\": self-loop (src and dst are the same node)"},
    {"csv_unknown_endpoint", "csv_unknown_endpoint/edges.csv:2: edge #0 (a:1 -> ip:2), field \"dst\": unknown node id \"ip:2\" (no node declares it)"},
    {"csv_unterminated_quote", "csv_unterminated_quote/nodes.csv:2: unterminated quoted field (the quote opened on line 2 is never closed)"},
    {"deep_nesting.json", "deep_nesting.json: byte 160: node #0 (a:1): JSON nesting is deeper than the limit of 64 levels"},
    {"deep_nesting.ndjson", "deep_nesting.ndjson:2: node #0 (a:1): JSON nesting is deeper than the limit of 64 levels"},
    {"duplicate_node.json", "duplicate_node.json: byte 92: node #1 (a:1), field \"id\": duplicate node id (first declared as node #0)"},
    {"duplicate_node.ndjson", "duplicate_node.ndjson:4: node #2 (a:1), field \"id\": duplicate node id (first declared as node #0)"},
    {"empty.json", "empty.json: byte 0: the file is empty"},
    {"empty.ndjson", "empty.ndjson: has no header line (the file is empty)"},
    {"empty_id.ndjson", "empty_id.ndjson:3: node #1, field \"id\": must be a non-empty string"},
    {"header_not_first.ndjson", "header_not_first.ndjson:1: header, field \"format\": the first line must be the header {\"format\": \"hydrascope.snapshot\", \"version\": 1, ...}"},
    {"id_not_string.ndjson", "id_not_string.ndjson:3: node #1, field \"id\": must be a string, got a number"},
    {"invalid_utf8.json", "invalid_utf8.json: byte 68: node #0, field \"id\": invalid JSON: Invalid encoding in string."},
    {"invalid_utf8.ndjson", "invalid_utf8.ndjson:3: node #1, field \"id\": invalid JSON at column 28: Invalid encoding in string."},
    {"label_on_ip.ndjson", "label_on_ip.ndjson:3: node #1 (ip:1), field \"label\": only accounts carry a label, this node is a ip"},
    {"last_before_first.ndjson", "last_before_first.ndjson:4: edge #0 (a:1 -> ip:1), field \"last_seen\": is before first_seen"},
    {"line_not_object.ndjson", "line_not_object.ndjson:3: record: expected a JSON object, got an array"},
    {"missing_format.ndjson", "missing_format.ndjson:1: header, field \"format\": is required (\"hydrascope.snapshot\")"},
    {"missing_id.ndjson", "missing_id.ndjson:3: node #1, field \"id\": is required"},
    {"missing_kind.ndjson", "missing_kind.ndjson:3: record, field \"kind\": is required (\"node\" or \"edge\")"},
    {"missing_src.json", "missing_src.json: byte 103: edge #0 (? -> a:1), field \"src\": is required"},
    {"missing_type.ndjson", "missing_type.ndjson:3: node #1 (ip:1), field \"type\": is required"},
    {"missing_version.json", "missing_version.json: header, field \"version\": is required (1)"},
    {"nested_attrs.ndjson", "nested_attrs.ndjson:2: node #0 (a:1), field \"attrs\": attr \"geo\" is an object; attrs must be flat (string, number or boolean values)"},
    {"node_not_object.json", "node_not_object.json: byte 98: node #1, field \"nodes\": element #1 must be an object, got a string"},
    {"nodes_not_array.json", "nodes_not_array.json: byte 57: field \"nodes\": must be an array, got an object"},
    {"not_object.json", "not_object.json: byte 0: expected a JSON object, got an array"},
    {"nul_byte.json", "nul_byte.json: byte 92: NUL byte in the document"},
    {"nul_byte.ndjson", "nul_byte.ndjson:3: record: NUL byte at column 45"},
    {"one_field.edges", "one_field.edges:2: edge #1 (3), field \"dst\": expected `u v [weight]`, found one field"},
    {"self_loop.ndjson", "self_loop.ndjson:3: edge #0 (a:1 -> a:1), field \"dst\": self-loop (src and dst are the same node)"},
    {"timestamp_float.ndjson", "timestamp_float.ndjson:4: edge #0 (a:1 -> ip:1), field \"last_seen\": must be an RFC 3339 timestamp string or integer Unix seconds, got a non-integer number"},
    {"timestamp_no_zone.ndjson", "timestamp_no_zone.ndjson:4: edge #0 (a:1 -> ip:1), field \"first_seen\": must be an RFC 3339 timestamp (like 2026-02-20T00:00:00Z) or integer Unix seconds, got \"2026-02-14T02:00:00\""},
    {"trailing_document.json", "trailing_document.json: byte 61: invalid JSON: The document root must not be followed by other values."},
    {"trailing_garbage.ndjson", "trailing_garbage.ndjson:3: node #1 (ip:1): invalid JSON at column 46: The document root must not be followed by other values."},
    {"truncated.json", "truncated.json: byte 113: node #1 (ip:1), field \"type\": invalid JSON: Missing a colon after a name of object member."},
    {"truncated.ndjson.gz", "truncated.ndjson.gz: truncated gzip: the compressed data ends before the end of the stream (after 66815 uncompressed bytes)"},
    {"truncated_line.ndjson", "truncated_line.ndjson:3: node #1 (ip:1): invalid JSON at column 35: Missing a closing quotation mark in string."},
    {"unknown_endpoint.json", "unknown_endpoint.json: byte 58: edge #0 (a:1 -> ip:9), field \"dst\": unknown node id \"ip:9\" (no node declares it)"},
    {"unknown_endpoint.ndjson", "unknown_endpoint.ndjson:3: edge #0 (a:1 -> ip:1), field \"dst\": unknown node id \"ip:1\" (no node declares it)"},
    {"version_string.ndjson", "version_string.ndjson:1: header, field \"version\": must be the integer 1, got a string"},
    {"weight_1e999.json", "weight_1e999.json: byte 192: edge #0 (a:1 -> ip:1), field \"weight\": invalid JSON: Number too big to be stored in double."},
    {"weight_1e999.ndjson", "weight_1e999.ndjson:4: edge #0 (a:1 -> ip:1), field \"weight\": invalid JSON at column 76: Number too big to be stored in double."},
    {"weight_infinity.ndjson", "weight_infinity.ndjson:4: edge #0 (a:1 -> ip:1), field \"weight\": invalid JSON at column 76: Invalid value."},
    {"weight_nan.json", "weight_nan.json: byte 130: edge #0 (a:1 -> ip:1), field \"weight\": invalid JSON: Invalid value."},
    {"weight_nan.ndjson", "weight_nan.ndjson:4: edge #0 (a:1 -> ip:1), field \"weight\": invalid JSON at column 76: Invalid value."},
    {"weight_negative.ndjson", "weight_negative.ndjson:4: edge #0 (a:1 -> ip:1), field \"weight\": must be a positive finite number, got -3"},
    {"weight_string.ndjson", "weight_string.ndjson:4: edge #0 (a:1 -> ip:1), field \"weight\": must be a positive finite number, got a string"},
    {"weight_zero.ndjson", "weight_zero.ndjson:4: edge #0 (a:1 -> ip:1), field \"weight\": must be a positive finite number, got 0"},
    {"wrong_version.json", "wrong_version.json: header, field \"version\": unsupported version 3 (this engine reads version 1)"},
    {"wrong_version.ndjson", "wrong_version.ndjson:1: header, field \"version\": unsupported version 2 (this engine reads version 1)"},
    {"csv_invalid_utf8", "csv_invalid_utf8/nodes.csv:3: field \"id\": invalid UTF-8 at byte 3 of field 1"},  // fuzz finding
    {"invalid_utf8.edges", "invalid_utf8.edges:3: edge #1, field \"src\": invalid UTF-8 at byte 0 of the id"},  // fuzz finding
    {"timestamp_after_9999.ndjson", "timestamp_after_9999.ndjson:2: node #0 (a:1), field \"created_at\": must be an RFC 3339 timestamp (like 2026-02-20T00:00:00Z) or integer Unix seconds, got \"9999-12-31T23:59:59-00:01\""},  // fuzz finding
    {"id_too_long.ndjson", "id_too_long.ndjson:3: node #1 (a:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...), field \"id\": is 5000 bytes long, over the limit of 4096 bytes"},
    {"id_too_long.edges", "id_too_long.edges:3: edge #1 (2 -> 9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999...), field \"dst\": is 5000 bytes long, over the limit of 4096 bytes"},
    {"csv_id_too_long", "csv_id_too_long/edges.csv:3: edge #1 (a:1 -> iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii...), field \"dst\": is 5000 bytes long, over the limit of 4096 bytes"},
    {"too_many_attrs.ndjson", "too_many_attrs.ndjson:2: node #0 (a:1), field \"attrs\": has more than 1024 attrs (the limit per node)"},
    {"csv_too_many_attrs", "csv_too_many_attrs/nodes.csv:1: field \"c1024\": the header row has more than 1024 attr columns (the limit per node)"},
    {"too_deep.json", "too_deep.json: byte 157: node #0 (a:1): JSON nesting is deeper than the limit of 64 levels"},
    {"too_deep.ndjson", "too_deep.ndjson:2: node #0 (a:1): JSON nesting is deeper than the limit of 64 levels"},
  };
  return table;
}

/// Every entry of tests/fixtures/bad, sorted.
inline std::vector<std::string> bad_entries() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(std::string(HYDRASCOPE_TEST_FIXTURES) + "/bad"))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace hydrascope::testing
