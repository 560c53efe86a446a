"""Shell completion scripts for ``arkisto`` (bash, zsh, fish), generated
from the command's own argparse parser, so that they list exactly the
subcommands and options the program has, and never drift from it.

Each option is completed by what it takes: its choices (``--sort``,
``--format``, ``--lang``), a folder (``--index DIR``), a file (``--output
FILE``, the paths of ``arkisto index``), or nothing (``--limit N``)."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import Strings

SHELLS = ("bash", "zsh", "fish")


@dataclass
class Option:
    flags: list[str]  # "-o", "--output"
    help: str
    takes: str  # "": a switch; "choices", "dir", "file", "value"
    choices: list[str] = field(default_factory=list)


@dataclass
class Command:
    name: str
    help: str
    options: list[Option]
    positional: str  # "": none (or free words); "files"; "choices"
    choices: list[str] = field(default_factory=list)


def _takes(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.choices:
        return "choices"
    meta = str(action.metavar or "").upper()
    if meta == "DIR":
        return "dir"
    if meta in ("FILE", "PATH"):
        return "file"
    return "value"


def _options(parser: argparse.ArgumentParser) -> list[Option]:
    out = []
    for a in parser._actions:
        if not a.option_strings or a.help == argparse.SUPPRESS:
            continue
        out.append(Option(list(a.option_strings), _one_line(a.help or ""), _takes(a),
                          [str(c) for c in a.choices] if a.choices else []))
    return out


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:69] + "…"


def describe(parser: argparse.ArgumentParser) -> tuple[list[Option], list[Command]]:
    """The top-level options and the subcommands of ``parser``."""
    commands: list[Command] = []
    for a in parser._actions:
        if not isinstance(a, argparse._SubParsersAction):
            continue
        helps = {c.dest: c.help or "" for c in a._choices_actions}
        for name, sub in a.choices.items():
            positional, choices = "", []
            for p in sub._actions:
                if p.option_strings:
                    continue
                if p.choices:
                    positional, choices = "choices", [str(c) for c in p.choices]
                elif str(p.metavar or "").upper() in ("PATH", "FILE"):
                    positional = "files"
            commands.append(Command(name, _one_line(helps.get(name, "")), _options(sub), positional, choices))
    return _options(parser), commands


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    top, commands = describe(parser)
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](parser.prog, top, commands)


# --- where the file goes, and how to enable it ---------------------------------------


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var, "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / default


def default_path(shell: str, prog: str = "arkisto") -> Path:
    """Where each shell looks for a user's completions (bash-completion's and
    fish's own per-user folders; for zsh, a folder to add to ``fpath``)."""
    if shell == "bash":
        return _xdg("XDG_DATA_HOME", ".local/share") / "bash-completion" / "completions" / prog
    if shell == "zsh":
        return _xdg("XDG_DATA_HOME", ".local/share") / "zsh" / "site-functions" / f"_{prog}"
    return _xdg("XDG_CONFIG_HOME", ".config") / "fish" / "completions" / f"{prog}.fish"


def how_to_enable(shell: str, path: Path, default: bool, s: Strings | None = None) -> str:
    """How to make the shell load the script, in the language of ``s``
    (English when none is given)."""
    s = s or Strings("en")
    if shell == "bash":
        return (s("completion_bash_auto") if default else "") + s("completion_bash", path=path)
    if shell == "zsh":
        return s("completion_zsh", dir=path.parent)
    if default:
        return s("completion_fish_auto")
    return s("completion_fish", path=path)


# --- bash ------------------------------------------------------------------------------


def _words(items: list[str]) -> str:
    return " ".join(items)


def _bash_values(prefix: str, options: list[Option]) -> list[str]:
    """case branches completing the value of an option that takes one."""
    out = []
    for o in options:
        if not o.takes:
            continue
        pattern = "|".join(f"{prefix}:{f}" for f in o.flags)
        if o.takes == "choices":
            action = f'COMPREPLY=($(compgen -W "{_words(o.choices)}" -- "$cur"))'
        elif o.takes == "dir":
            action = 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur"))'
        elif o.takes == "file":
            action = 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))'
        else:
            action = "COMPREPLY=()"
        out.append(f"        {pattern}) {action}; return ;;")
    return out


def _bash(prog: str, top: list[Option], commands: list[Command]) -> str:
    fn = "_" + prog.replace("-", "_")
    names = [c.name for c in commands]
    top_valued = [f for o in top if o.takes for f in o.flags]
    lines = [
        f"# bash completion for {prog}, generated by `{prog} completion bash`.",
        f"{fn}() {{",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="" i',
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        case "${COMP_WORDS[i]}" in',
        f"            {'|'.join(top_valued) or '--'}) ((i++)) ;;",
        f'            {"|".join(names)}) cmd="${{COMP_WORDS[i]}}"; break ;;',
        "        esac",
        "    done",
        '    case "$cmd:$prev" in',
        *_bash_values("", top),
    ]
    for c in commands:
        lines += _bash_values(c.name, c.options)
    lines += [
        "    esac",
        '    case "$cmd" in',
        f'        "") [[ "$cur" == -* ]] && COMPREPLY=($(compgen -W "{_words([f for o in top for f in o.flags])}" -- "$cur")) '
        f'|| COMPREPLY=($(compgen -W "{_words(names)}" -- "$cur")) ;;',
    ]
    for c in commands:
        flags = _words([f for o in c.options for f in o.flags])
        if c.positional == "files":
            rest = 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))'
        elif c.positional == "choices":
            rest = f'COMPREPLY=($(compgen -W "{_words(c.choices)}" -- "$cur"))'
        else:
            rest = "COMPREPLY=()"
        lines.append(f'        {c.name}) if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "{flags}" -- "$cur")); '
                     f"else {rest}; fi ;;")
    lines += [
        "    esac",
        "}",
        f"complete -F {fn} {prog}",
        "",
    ]
    return "\n".join(lines)


# --- zsh -------------------------------------------------------------------------------


def _zq(text: str) -> str:
    """Text inside a single-quoted zsh word: a quote ends the word, puts an
    escaped quote and opens it again."""
    return text.replace("'", "'\\''")


def _zdesc(text: str) -> str:
    """An _arguments [description]: brackets would end it early."""
    text = text.replace("\\", "/").replace("[", "(").replace("]", ")")
    return f"[{_zq(text)}]" if text else ""


def _zsh_specs(options: list[Option]) -> list[str]:
    """_arguments specs, one per option (its flags braced outside the quotes)."""
    out = []
    for o in options:
        flags = o.flags
        if flags[-1] in ("--help", "--version"):
            names = "'(- *)'" + ("{" + ",".join(flags) + "}" if len(flags) > 1 else f"'{flags[0]}'")
        elif len(flags) > 1:
            names = f"'({' '.join(flags)})'" + "{" + ",".join(flags) + "}"
        else:
            names = f"'{'*' if o.takes and flags[0] in _REPEATABLE else ''}{flags[0]}'"
        if o.takes == "choices":
            value = f":{flags[-1].lstrip('-')}:({' '.join(o.choices)})"
        elif o.takes == "dir":
            value = ":folder:_files -/"
        elif o.takes == "file":
            value = ":file:_files"
        elif o.takes:
            value = ":value: "
        else:
            value = ""
        out.append(f"{names}'{_zdesc(o.help)}{value}'")
    return out


# Filters may be given more than once (OR).
_REPEATABLE = {"--committee", "--presenter", "--year", "--project", "--funder", "--municipality", "--outcome",
               "--kind"}


def _zsh(prog: str, top: list[Option], commands: list[Command]) -> str:
    fn = "_" + prog.replace("-", "_")
    lines = [
        f"#compdef {prog}",
        f"# zsh completion for {prog}, generated by `{prog} completion zsh`.",
        f"{fn}() {{",
        "    local context state state_descr line",
        "    typeset -A opt_args",
        "    _arguments -C \\",
        *[f"        {spec} \\" for spec in _zsh_specs(top)],
        "        '1:command:->command' \\",
        "        '*::argument:->argument'",
        "    case $state in",
        "    command)",
        "        local -a commands",
        "        commands=(",
        *[f"            '{c.name}:{_zq(c.help.replace(chr(92), '/'))}'" for c in commands],
        "        )",
        "        _describe -t commands command commands ;;",
        "    argument)",
        "        case $line[1] in",
    ]
    for c in commands:
        if c.positional == "files":
            rest = "'*:file:_files'"
        elif c.positional == "choices":
            rest = f"'1:shell:({' '.join(c.choices)})'"
        else:
            rest = "'*:word: '"
        specs = [*_zsh_specs(c.options), rest]
        lines.append(f"        {c.name})")
        lines.append("            _arguments \\")
        lines += [f"                {s} \\" for s in specs[:-1]]
        lines.append(f"                {specs[-1]} ;;")
    lines += [
        "        esac ;;",
        "    esac",
        "}",
        f'{fn} "$@"',
        "",
    ]
    return "\n".join(lines)


# --- fish ------------------------------------------------------------------------------


def _fq(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_option(prog: str, cond: str, o: Option) -> str:
    parts = [f"complete -c {prog}", f"-n {_fq(cond)}"]
    for f in o.flags:
        parts.append(f"-l {f[2:]}" if f.startswith("--") else f"-s {f[1:]}")
    if o.takes == "choices":
        parts.append(f"-x -a {_fq(' '.join(o.choices))}")
    elif o.takes == "dir":
        parts.append("-x -a '(__fish_complete_directories)'")
    elif o.takes == "file":
        parts.append("-r -F")
    elif o.takes:
        parts.append("-x")
    if o.help:
        parts.append(f"-d {_fq(o.help)}")
    return " ".join(parts)


def _fish(prog: str, top: list[Option], commands: list[Command]) -> str:
    names = " ".join(c.name for c in commands)
    lines = [
        f"# fish completion for {prog}, generated by `{prog} completion fish`.",
        f"complete -c {prog} -f",
    ]
    for o in top:
        lines.append(_fish_option(prog, f"not __fish_seen_subcommand_from {names}", o))
    for c in commands:
        lines.append(f"complete -c {prog} -n {_fq('__fish_use_subcommand')} -a {c.name} -d {_fq(c.help)}")
    for c in commands:
        cond = f"__fish_seen_subcommand_from {c.name}"
        for o in c.options:
            lines.append(_fish_option(prog, cond, o))
        if c.positional == "files":
            lines.append(f"complete -c {prog} -n {_fq(cond)} -F")
        elif c.positional == "choices":
            lines.append(f"complete -c {prog} -n {_fq(cond)} -x -a {_fq(' '.join(c.choices))}")
    lines.append("")
    return "\n".join(lines)
