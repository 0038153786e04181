#!/usr/bin/env python3
"""Man pages and bash completion from the program's own help.

Usage: manpages.py HYDRASCOPE OUTDIR VERSION

Runs `HYDRASCOPE --help` and `HYDRASCOPE CMD --help` for every subcommand
(CLI11's help text), and writes OUTDIR/man1/hydrascope.1, one
OUTDIR/man1/hydrascope-CMD.1 per command, and OUTDIR/hydrascope.bash (bash
completion of commands and their options). Run by the build (cmake/install.cmake);
the output depends only on the help text, so it changes when an option does.
"""
import os
import re
import subprocess
import sys

# An option or positional line: two spaces, the names, two or more spaces, the text.
ENTRY = re.compile(r"^  (\S(?:.*?\S)?)(?:\s{2,}(\S.*))?$")
CONTINUATION = re.compile(r"^\s{4,}(\S.*)$")
SECTION = re.compile(r"^(\S[^:]*):$")


def run_help(binary, args):
    out = subprocess.run([binary] + args + ["--help"], check=True, capture_output=True, text=True,
                         env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "")})
    return out.stdout


def parse(text):
    """(description lines, usage, [(section, [(names, text)])])."""
    lines = text.splitlines()
    description, usage, sections = [], "", []
    current = None
    for line in lines:
        if line.startswith("Usage: "):
            usage = line[len("Usage: "):]
            continue
        m = SECTION.match(line)
        if m and not line.startswith(" "):
            current = (m.group(1), [])
            sections.append(current)
            continue
        if current is None:
            if line.strip():
                description.append(line.strip())
            continue
        if not line.strip():
            continue
        e = ENTRY.match(line)
        if e and not line.startswith("   "):
            current[1].append([e.group(1), e.group(2) or ""])
            continue
        c = CONTINUATION.match(line)
        if c and current[1]:
            current[1][-1][1] = (current[1][-1][1] + " " + c.group(1)).strip()
    return description, usage, sections


def roff(text):
    text = text.replace("\\", "\\e")
    text = text.replace("-", "\\-")
    if text.startswith(".") or text.startswith("'"):
        text = "\\&" + text
    return text


def option_names(names):
    """The option words of an entry such as `-t,--threads INT:INT in [0 - 1024]=0`."""
    first = names.split(" ")[0]
    return [n for n in first.split(",") if n.startswith("-")]


def man_page(title, section_name, version, description, usage, sections, see_also):
    out = [
        '.TH "%s" "1" "" "hydrascope %s" "User Commands"' % (title.upper(), version),
        ".SH NAME",
        "%s \\- %s" % (roff(section_name), roff(description[0] if description else "")),
        ".SH SYNOPSIS",
        ".B %s" % roff(usage),
    ]
    if len(description) > 1:
        out.append(".SH DESCRIPTION")
        out.extend(roff(d) for d in description)
    for name, entries in sections:
        out.append(".SH %s" % roff(name.upper()))
        for names, text in entries:
            out.append(".TP")
            out.append(".B %s" % roff(names))
            out.append(roff(text))
    out.append(".SH SEE ALSO")
    out.append(", ".join("\\fB%s\\fR(1)" % roff(s) for s in see_also))
    out.append(".PP")
    out.append("The documentation in /usr/share/doc/hydrascope (docs/cli.md in the sources).")
    return "\n".join(out) + "\n"


COMPLETION = r'''# bash completion for hydrascope (generated from its --help by scripts/manpages.py)
_hydrascope() {
  local cur prev words cword
  _init_completion 2>/dev/null || { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
  local commands="%(commands)s"
  local global_opts="%(global)s"
  local cmd="" i
  for ((i = 1; i < cword; i++)); do
    case " $commands " in *" ${words[i]} "*) cmd="${words[i]}"; break ;; esac
  done
  local opts="$global_opts"
  case "$cmd" in
%(cases)s
    "") if [[ "$cur" != -* ]]; then COMPREPLY=($(compgen -W "$commands" -- "$cur")); return; fi ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
  fi
}
complete -F _hydrascope hydrascope
'''


def main():
    binary, outdir, version = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(os.path.join(outdir, "man1"), exist_ok=True)
    description, usage, sections = parse(run_help(binary, []))
    commands = []
    for name, entries in sections:
        if name.lower() == "subcommands":
            commands = [(n.split()[0], t) for n, t in entries]
    names = [c for c, _ in commands]
    global_opts = sorted({o for s, es in sections if s.lower() != "subcommands" for n, _ in es for o in option_names(n)})
    see = ["hydrascope-" + c for c in names]
    with open(os.path.join(outdir, "man1", "hydrascope.1"), "w") as f:
        f.write(man_page("hydrascope", "hydrascope", version, description, usage, sections, see))
    cases = []
    for c, _ in commands:
        d, u, s = parse(run_help(binary, [c]))
        with open(os.path.join(outdir, "man1", "hydrascope-%s.1" % c), "w") as f:
            f.write(man_page("hydrascope-" + c, "hydrascope " + c, version, d, u, s, ["hydrascope"]))
        opts = sorted({o for _, es in s for n, _ in es for o in option_names(n)} | set(global_opts))
        cases.append('    %s) opts="%s" ;;' % (c, " ".join(opts)))
    with open(os.path.join(outdir, "hydrascope.bash"), "w") as f:
        f.write(COMPLETION % {"commands": " ".join(names), "global": " ".join(global_opts), "cases": "\n".join(cases)})


if __name__ == "__main__":
    main()
