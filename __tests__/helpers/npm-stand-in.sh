#!/bin/sh
# `npm run [-s|--silent] <script> [-- args...]` as npm runs it, without npm's own start-up
# (~0.25 s CPU of the ~0.37 s a workflow step's `npm run -s ci:environments` costs). The
# workflow tests (helpers/workflow-steps.ts), new-env.test.ts and entry-paths.test.ts put it
# first on PATH as `npm` (installNpmStandIn), with _npm_real below set to the npm it stands in
# for; __tests__/ci/npm-stand-in.test.ts holds it to npm's behaviour.
#
# What npm does for such a run, and so does this: the package is the nearest directory up from
# the working directory with a package.json or a node_modules; its scripts.<script> line, the
# arguments after `--` appended as npm quotes them, runs with `sh -c` in that directory, with
# node_modules/.bin of it and of every directory above it first on PATH, and with npm's
# npm_lifecycle_*, npm_package_* and INIT_CWD variables; npm's banner (`> id script`,
# `> line args`) goes to stdout unless -s; the exit code is the script's. Anything else goes
# to the real npm: other commands and options, a missing script (npm's message), a pre- or
# post-script, a package without package.json, a project .npmrc (script-shell, ignore-scripts),
# and every run when jq is missing (correct, only slower).
# npm's npm_config_*, npm_execpath, npm_node_execpath and NODE variables and its node-gyp PATH
# entry are left out: no script here reads them. Its own variables start with _npm_, so that
# none of them changes a variable the step exported.
_npm_real=@REAL_NPM@
# What that npm sets npm_command to for a run (npm 10: run-script, npm 11: run); empty when its
# version is unknown, and then every run goes to it.
_npm_command=@NPM_COMMAND@

# The JSON side, in jq (a node start would cost four times as much): prints shell
# assignments for what package.json says about the script, or fails (no jq, a file that does
# not parse, a missing or non-string script, a pre- or post-script) and the real npm decides.
# It reads package.json as npm normalizes it where this repository's package.json needs it
# (non-string scripts dropped, _id = name@version) and sets npm_package_* from name, version,
# engines, config and bin as @npmcli/run-script's package-envs does for plain string, object and
# array values, leaving out keys sh cannot export; the test compares name, version, engines and
# such a key with the real npm. An empty script (npm runs nothing) goes to npm.
_npm_read='
def q: "\u0027" + gsub("\u0027"; "\u0027\\\u0027\u0027") + "\u0027";
def truthy: . != null and . != false and . != "" and . != 0;
def envs($prefix):
  to_entries[] | .key as $k | .value as $v
  | if $v == null or $v == false then {key: ($prefix + $k), value: ""}
    elif ($v | type) == "array" then $v | to_entries[] | {(($k) + "_" + (.key | tostring)): .value} | envs($prefix)
    elif ($v | type) == "object" then $v | envs($prefix + $k + "_")
    else {key: ($prefix + $k), value: ($v | tostring)} end;
. as $pkg
| (if (.scripts | type) == "object" then .scripts | with_entries(select(.value | type == "string")) else {} end) as $s
| if ($s | has($event) | not) or $s[$event] == "" or ($s["pre" + $event] | truthy) or ($s["post" + $event] | truthy) then error("npm decides") else . end
| "_npm_line=" + ($s[$event] | q),
  "_npm_shown=" + ($s[$event] | sub("^\\s+"; "") | sub("\\s+$"; "") | gsub("\n"; "\n> ") | q),
  "_npm_id=" + (if (.name | truthy) and (.version | truthy) then "\(.name)@\(.version) " else "" end | q),
  ($pkg | with_entries(select(.key | IN("name", "version", "config", "engines", "bin"))) | [envs("npm_package_")]
   | map(select(.key | test("^[A-Za-z0-9_]+$")) | "export " + .key + "=" + (.value | q)) | .[])
'
# The characters that make npm quote an argument (escape.sh): tab, newline, CR, space and these.
_npm_special=$(printf '\t\n\r "#$&()*;<>?\\`|~%sx' "'")
_npm_special=${_npm_special%x}

run_script() {
  [ -n "$_npm_command" ] && [ "$1" = run ] || return 1
  shift
  _npm_silent=
  case $1 in -s | --silent) _npm_silent=1 && shift ;; esac
  [ $# -gt 0 ] || return 1
  _npm_event=$1
  shift
  case $_npm_event in -*) return 1 ;; esac
  if [ $# -gt 0 ]; then
    [ "$1" = -- ] || return 1
    shift
  fi
  _npm_cwd=$(pwd -P) || return 1
  _npm_prefix=$_npm_cwd
  until [ -f "$_npm_prefix/package.json" ] || [ -d "$_npm_prefix/node_modules" ]; do
    [ "$_npm_prefix" != / ] || return 1
    _npm_prefix=${_npm_prefix%/*}
    _npm_prefix=${_npm_prefix:-/}
  done
  [ -f "$_npm_prefix/package.json" ] && [ ! -e "$_npm_prefix/.npmrc" ] || return 1
  _npm_vars=$(jq -r --arg event "$_npm_event" "$_npm_read" "$_npm_prefix/package.json" 2>/dev/null) ||
    return 1
  eval "$_npm_vars"
  # The script line with the arguments appended, quoted for sh where npm quotes them (the same
  # words as npm's @npmcli/promise-spawn escape.sh, which at times spells them differently).
  _npm_script=$_npm_line
  for _npm_arg; do
    case $_npm_arg in
      '') _npm_arg="''" ;;
      *["$_npm_special"]*)
        _npm_rest=$_npm_arg
        _npm_arg=
        while :; do
          case $_npm_rest in
            *\'*)
              _npm_arg="$_npm_arg${_npm_rest%%\'*}'\\''"
              _npm_rest=${_npm_rest#*\'}
              ;;
            *) break ;;
          esac
        done
        _npm_arg="'$_npm_arg$_npm_rest'"
        ;;
    esac
    _npm_script="$_npm_script $_npm_arg"
  done
  _npm_bins=
  _npm_dir=$_npm_prefix
  while :; do
    _npm_bins="$_npm_bins${_npm_bins:+:}${_npm_dir%/}/node_modules/.bin"
    [ "$_npm_dir" != / ] || break
    _npm_dir=${_npm_dir%/*}
    _npm_dir=${_npm_dir:-/}
  done
  PATH="$_npm_bins:$PATH"
  INIT_CWD=$_npm_cwd
  npm_command=$_npm_command
  npm_lifecycle_event=$_npm_event
  npm_lifecycle_script=$_npm_line
  npm_package_json=${_npm_prefix%/}/package.json
  npm_config_local_prefix=$_npm_prefix
  export PATH INIT_CWD npm_command npm_lifecycle_event npm_lifecycle_script npm_package_json npm_config_local_prefix
  if [ -z "$_npm_silent" ]; then
    IFS=' '
    printf '\n> %s%s\n> %s%s\n\n' "$_npm_id" "$_npm_event" "$_npm_shown" "${1+ $*}"
  fi
  cd "$_npm_prefix" && exec sh -c "$_npm_script"
}

run_script "$@"
exec "$_npm_real" "$@"
