// Enum options of the subcommands: the value is checked and converted by
// CLI11's CheckedTransformer and stored straight into an options struct's
// field; --help lists the valid names and shows the default by name.
#pragma once

#include <CLI/CLI.hpp>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli_util.hpp"
#include "hydrascope/graph.hpp"

namespace hydrascope::cli {

namespace detail {
// The body of add_enum_option: T is E, or std::optional<E> (set only when
// the option is given; no default shown).
template <class E, class T>
CLI::Option* bind_enum_option(CLI::App& app, const std::string& name, T& target,
                              const std::vector<std::pair<std::string, E>>& names, const std::string& help) {
  std::string list, braces = "{", current;
  for (std::size_t i = 0; i < names.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i].first;
    braces += (i == 0 ? "" : ",") + names[i].first;
    if (target == names[i].second) current = names[i].first;
  }
  braces += "}";
  // name -> the enum's value as an int (the engine's enums have a to_string()
  // of their own that CLI11's conversion of an enum would pick up)
  std::map<std::string, int> values;
  for (const auto& n : names) values[n.first] = static_cast<int>(n.second);
  const CLI::CheckedTransformer convert(values);
  const CLI::Validator checked(
      [convert, names, list](std::string& input) -> std::string {
        for (const auto& n : names)
          if (n.first == input) return convert(input);  // the name -> the enum's value
        return "expected " + list + ", got '" + input + "'";
      },
      braces);
  CLI::Option* opt = app.add_option(
      name,
      [&target](const CLI::results_t& results) {
        target = static_cast<E>(std::stoi(results.back()));  // the transformer wrote the value
        return true;
      },
      help);
  return opt->transform(checked)->default_str(current)->type_name("TEXT")->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}
}  // namespace detail

/// `--name` bound to `target`, one of `names` (in help order). A name not in
/// the list is refused as "--name: expected a, b or c, got 'x'" (numbers,
/// which CheckedTransformer would take as the enum's value, too).
template <class E>
CLI::Option* add_enum_option(CLI::App& app, const std::string& name, E& target,
                             const std::vector<std::pair<std::string, E>>& names, const std::string& help) {
  return detail::bind_enum_option<E>(app, name, target, names, help);
}

/// The same for an option whose default is decided later (from the input,
/// say): `target` stays empty unless the option is given, and --help shows
/// no default.
template <class E>
CLI::Option* add_enum_option(CLI::App& app, const std::string& name, std::optional<E>& target,
                             const std::vector<std::pair<std::string, E>>& names, const std::string& help) {
  return detail::bind_enum_option<E>(app, name, target, names, help);
}

/// The names of `--damping` (run, train), as run.json and a model record them.
inline std::vector<std::pair<std::string, HubDamping>> damping_names() {
  std::vector<std::pair<std::string, HubDamping>> out;
  for (const HubDamping d : {HubDamping::None, HubDamping::InvLog, HubDamping::InvSqrt, HubDamping::InvDegree})
    out.emplace_back(std::string(to_string(d)), d);
  return out;
}

/// The names of `--type-weighting` (run, detect, train), as run.json and a model record them.
inline std::vector<std::pair<std::string, TypeWeighting>> type_weighting_names() {
  std::vector<std::pair<std::string, TypeWeighting>> out;
  for (const TypeWeighting t : {TypeWeighting::Named, TypeWeighting::Uniform, TypeWeighting::Spread, TypeWeighting::Balanced})
    out.emplace_back(std::string(to_string(t)), t);
  return out;
}

/// The names of detect's `--weights`.
inline std::vector<std::pair<std::string, WeightSource>> weight_source_names() {
  return {{"unit", WeightSource::Unit}, {"log", WeightSource::LogRequests}, {"requests", WeightSource::Requests}};
}

/// Snapshot formats by their names (to_string: auto, json, ndjson, csv, edgelist, hsnap).
inline std::vector<std::pair<std::string, SnapshotFormat>> format_names(std::initializer_list<SnapshotFormat> formats) {
  std::vector<std::pair<std::string, SnapshotFormat>> out;
  for (const SnapshotFormat f : formats) out.emplace_back(std::string(to_string(f)), f);
  return out;
}

/// `--input-format` of the commands that read a snapshot (inspect, convert, detect).
inline CLI::Option* add_input_format_option(CLI::App& app, SnapshotFormat& target) {
  return add_enum_option(app, "--input-format", target,
                         format_names({SnapshotFormat::Auto, SnapshotFormat::Json, SnapshotFormat::Ndjson,
                                       SnapshotFormat::CsvPair, SnapshotFormat::EdgeList, SnapshotFormat::Hsnap}),
                         "Input format (default: auto, by name then content)");
}

/// `--csv-guard sheets|all|none` bound to `target` (the commands that write
/// CSV: run, export, convert, detect, score, baseline).
inline CLI::Option* add_csv_guard_option(CLI::App& app, CsvGuardMode& target) {
  std::vector<std::pair<std::string, CsvGuardMode>> names;
  for (const CsvGuardMode m : {CsvGuardMode::Sheets, CsvGuardMode::All, CsvGuardMode::None})
    names.emplace_back(std::string(to_string(m)), m);
  return add_enum_option(app, "--csv-guard", target, names, kCsvGuardHelp);
}

}  // namespace hydrascope::cli
