// The command line's dispatch: parses argv, runs the chosen subcommand and
// maps its exceptions to exit codes and one error line. main() is only a call
// to this, so that the fuzz target of the whole pipeline (tests/fuzz/fuzz_run.cpp)
// goes through the very entry the `hydrascope` executable uses.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cli_util.hpp"
#include "hydrascope/common.hpp"
#include "hydrascope/error.hpp"

namespace hydrascope::cli {
namespace {

// Edit distance with adjacent transpositions (optimal string alignment):
// "rnu" is one step from "run", as a typist would count it.
std::size_t typo_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// The closest of `names` to `word` when it is close enough to be a typo
// (at most 1 edit for short words, 2 from 5 characters on, and never more
// than a third of the word), else empty. Ties go to the first name.
std::string closest(std::string_view word, const std::vector<std::string>& names) {
  const std::size_t limit = std::min<std::size_t>(word.size() >= 5 ? 2 : 1, std::max<std::size_t>(1, word.size() / 3));
  std::string best;
  std::size_t best_d = limit + 1;
  for (const std::string& n : names) {
    if (n.size() > word.size() + limit || word.size() > n.size() + limit) continue;
    const std::size_t dist = typo_distance(word, n);
    if (dist < best_d) best_d = dist, best = n;
  }
  return best;
}

// The options of `app`, those of its option groups included.
std::vector<const CLI::Option*> all_options(const CLI::App& app) {
  std::vector<const CLI::Option*> out = app.get_options();
  for (const CLI::App* group : app.get_subcommands([](const CLI::App* a) { return a->get_name().empty(); })) {
    const auto more = all_options(*group);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

// The message for a command line CLI11 refused: for a word that is no
// command "unknown command 'X'", for a long option the command does not
// have "unknown option '--X' for CMD" (whatever CLI11 noticed first), each
// with the name the user probably meant ("did you mean 'run'?") when one is
// close; else CLI11's own message.
std::string usage_message(CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::vector<CLI::App*> chosen = app.get_subcommands();
  if (chosen.empty()) {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) commands.push_back(sub->get_name());
    for (int i = 1; i < argc; ++i) {
      const std::string_view a = argv[i];
      if (a.starts_with('-')) {
        if (a == "--log-format") ++i;  // its value is not a command
        continue;
      }
      const std::string c = closest(a, commands);
      return "unknown command '" + std::string(a) + "'" + (c.empty() ? "" : "; did you mean '" + c + "'?");
    }
    return e.what();
  }
  std::vector<std::string> options;
  for (const CLI::Option* o : all_options(*chosen.front()))
    for (const std::string& l : o->get_lnames()) options.push_back("--" + l);
  for (const CLI::Option* o : app.get_options())
    for (const std::string& l : o->get_lnames()) options.push_back("--" + l);
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (!a.starts_with("--")) continue;
    a = a.substr(0, a.find('='));
    if (std::find(options.begin(), options.end(), a) != options.end()) continue;
    const std::string c = closest(a, options);
    return "unknown option '" + std::string(a) + "' for " + chosen.front()->get_name() +
           (c.empty() ? "" : "; did you mean '" + c + "'?");
  }
  // CLI11 names no hidden option (an old spelling, deprecated_alias) in its
  // message (": expected ..."): name the one on the command line.
  const std::string what = e.what();
  if (what.starts_with(": "))
    for (const CLI::Option* o : all_options(*chosen.front())) {
      if (!o->get_group().empty()) continue;
      for (const std::string& l : o->get_lnames())
        for (int i = 1; i < argc; ++i) {
          const std::string_view a = argv[i];
          if (a == "--" + l || a.starts_with("--" + l + "=")) return "--" + l + what;
        }
    }
  return what;
}

// The line of `text` (1-based) at or after `from` whose key (the text before
// `=`, quotes removed) is `name` or ends in `.name`; 0 when there is none.
std::size_t line_of_key(const std::vector<std::string>& lines, std::size_t from, const std::string& name) {
  for (std::size_t i = from; i < lines.size(); ++i) {
    std::string key = lines[i].substr(0, lines[i].find('='));
    CLI::detail::trim(key);
    CLI::detail::remove_quotes(key);
    if (key == name || (key.size() > name.size() && key.ends_with("." + name))) return i + 1;
  }
  return 0;
}

// Applies the --config FILE of the chosen command `sub` (docs/cli.md,
// "Config files"): the file is read by CLI11's own reader (the command's
// config formatter, TOML by default: `key = value`, `#` comments, arrays,
// [sections]), and each key is given to the option of that name unless the
// command line set it. An unknown key, a bad value, a key of no option or an
// unknown section is a std::invalid_argument (exit 2) naming file, line and key.
void apply_config_file(const CLI::App& app, CLI::App& sub, const std::string& path) {
  check_config_file(path);  // a regular file of at most 1 MiB: not a folder, not /dev/zero
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) throw std::invalid_argument("--config " + path + ": cannot read");
  const std::string all = text.str();
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= all.size();) {
    const std::size_t end = std::min(all.find('\n', start), all.size());
    lines.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  std::string cleaned;  // what the reader is given: a comment after a [section] header dropped
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find('\0') != std::string::npos)
      throw std::invalid_argument(path + ":" + std::to_string(i + 1) + ": NUL byte in a config file");
    std::string line = lines[i];
    if (std::string t = CLI::detail::trim_copy(line); t.starts_with('[') && t.find('#') != std::string::npos) {
      line = t.substr(0, t.find('#'));
      CLI::detail::trim(line);
    }
    cleaned += line + "\n";
  }
  std::istringstream stream(cleaned);
  const std::vector<CLI::ConfigItem> items = sub.get_config_formatter()->from_config(stream);

  // What the command line set wins over the file.
  std::vector<const CLI::Option*> given;
  for (const CLI::Option* o : all_options(sub))
    if (o->count() > 0) given.push_back(o);
  std::vector<std::string> keys;
  for (const CLI::Option* o : all_options(sub))
    if (o->get_configurable() && !o->get_lnames().empty() && !o->get_group().empty()) keys.push_back(o->get_lnames().front());

  std::size_t cursor = 0;
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "--" || item.name == "++") continue;  // the end or start of a [section]
    const std::size_t line = line_of_key(lines, cursor, item.name);
    if (line > 0) cursor = line;
    const std::string where = path + ":" + (line > 0 ? std::to_string(line) + ":" : std::string()) + " ";
    if (item.parents.size() > 1 || (item.parents.size() == 1 && item.parents.front() != sub.get_name())) {
      const std::string section = item.parents.front();
      bool other_command = item.parents.size() == 1;
      if (other_command) {
        other_command = false;
        for (const CLI::App* c : app.get_subcommands([](const CLI::App*) { return true; }))
          if (c->get_name() == section) other_command = true;
      }
      if (other_command) continue;  // [export] in a file shared by several commands
      throw std::invalid_argument(where + "key '" + item.fullname() + "': unknown section [" + section +
                                  "] (a section is a command's name, e.g. [" + sub.get_name() + "])");
    }
    std::string key = item.name;
    std::replace(key.begin(), key.end(), '_', '-');
    if (key == "config") throw std::invalid_argument(where + "key 'config' cannot be set in a config file");
    CLI::Option* opt = sub.get_option_no_throw("--" + key);
    if (opt == nullptr) {
      if (sub.get_option_no_throw(key) != nullptr)  // a positional argument (the snapshot, ...)
        throw std::invalid_argument(where + "key '" + key + "' cannot be set in a config file (give it on the command line)");
      const std::string c = closest(key, keys);
      throw std::invalid_argument(where + "unknown key '" + item.name + "' for " + sub.get_name() +
                                  (c.empty() ? "" : "; did you mean '" + c + "'?"));
    }
    if (std::find(given.begin(), given.end(), opt) != given.end()) continue;  // the command line wins
    try {
      const std::string value = item.inputs.size() == 1 ? item.inputs.front() : std::string();
      const bool yes = value == "true" || value == "1" || value == "yes" || value == "on";
      const bool no = value == "false" || value == "0" || value == "no" || value == "off";
      if (opt->get_expected_max() == 0) {  // a flag
        if (no) continue;
        if (!yes) throw std::invalid_argument("expected true or false, got '" + value + "'");
        opt->add_result(std::string("true"));
      } else if (opt->get_expected_min() == 0) {  // an optional value (--report[=FILE])
        if (no) continue;
        opt->add_result(yes ? std::string() : value);
      } else {
        if (item.inputs.empty()) throw std::invalid_argument("no value");
        opt->add_result(item.inputs);
      }
      opt->run_callback();
    } catch (const CLI::Error& e) {
      throw std::invalid_argument(where + "key '" + item.name + "': " + e.what());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + "key '" + item.name + "': " + e.what());
    }
  }
}

}  // namespace

int run_command_line(int argc, char** argv) {
  CLI::App app{"hydrascope: find hydra-style reseller networks in an API provider's account graph"};
  app.set_version_flag("--version", std::string(hydrascope::version()));
  app.require_subcommand(1);
  app.fallthrough();
  Context ctx;
  app.add_flag("-q,--quiet", ctx.quiet, "No progress or info lines on stderr (errors still print)");
  app.add_flag("-v,--verbose", ctx.verbose, "Debug lines on stderr");
  app.add_option("--log-format", ctx.log_format,
                 "text (default) or json: every progress, info, warning and error line on stderr as one JSON object")
      ->transform(CLI::CheckedTransformer(std::map<std::string, LogFormat>{{"text", LogFormat::Text}, {"json", LogFormat::Json}}));
  // Seen before parsing, so that a parse error is reported in the asked format too.
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--log-format=json" || (a == "--log-format" && i + 1 < argc && std::string(argv[i + 1]) == "json"))
      ctx.log_format = LogFormat::Json;
  }

  Action action;
  add_run(app, ctx, action);
  add_inspect(app, ctx, action);
  add_detect(app, ctx, action);
  add_score(app, ctx, action);
  add_convert(app, ctx, action);
  add_generate(app, ctx, action);
  add_eval(app, ctx, action);
  add_baseline(app, ctx, action);
  add_report(app, ctx, action);
  add_export(app, ctx, action);
  add_features(app, ctx, action);
  add_train(app, ctx, action);
  add_diff(app, ctx, action);
  // --config FILE for every command, read by CLI11's own reader (apply_config_file).
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_config_ptr() == nullptr) sub->set_config("--config", "", kConfigHelp)->type_name("FILE");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e) == 0 ? kExitOk : kExitUsage;  // --help, --version
    ctx.error("usage", kExitUsage, usage_message(app, e, argc, argv) + " (see hydrascope --help)");
    return kExitUsage;
  }
  try {
    // Test hook (tests/cli/reliability_test.cpp): a broken invariant on demand.
    if (const char* fault = std::getenv("HYDRASCOPE_FAULT"); fault != nullptr && std::string(fault) == "internal")
      throw std::logic_error("fault injected by HYDRASCOPE_FAULT=internal");
    if (!app.get_subcommands().empty()) {
      CLI::App& sub = *app.get_subcommands().front();
      if (const CLI::Option* config = sub.get_config_ptr(); config != nullptr && config->count() > 0)
        apply_config_file(app, sub, config->as<std::string>());
      warn_deprecated(sub, ctx);
    }
    return action ? action() : kExitUsage;
  } catch (const hydrascope::InputError& e) {
    ctx.end_progress();
    ctx.error("input", kExitInputError, e.what(), &e.where());
    return kExitInputError;
  } catch (const std::invalid_argument& e) {
    ctx.end_progress();
    ctx.error("usage", kExitUsage, std::string("invalid option: ") + e.what());
    return kExitUsage;
  } catch (const hydrascope::ResourceLimitError& e) {
    ctx.end_progress();
    ctx.error("resource", kExitResourceLimit, e.what());
    return kExitResourceLimit;
  } catch (const std::bad_alloc&) {
    ctx.end_progress();
    ctx.error("resource", kExitResourceLimit, "out of memory");
    return kExitResourceLimit;
  } catch (const std::logic_error& e) {
    ctx.end_progress();
    ctx.error("internal", kExitInternal, e.what());
    return kExitInternal;
  } catch (const std::runtime_error& e) {  // I/O failures: cannot read, write or rename a file
    ctx.end_progress();
    ctx.error("input", kExitInputError, e.what());
    return kExitInputError;
  } catch (const std::exception& e) {
    ctx.end_progress();
    ctx.error("internal", kExitInternal, e.what());
    return kExitInternal;
  }
}

}  // namespace hydrascope::cli
