# bash completion for kctl.
#
# Load it in the current shell:   source <(kctl completion bash)
# Or install it for every shell:  kctl completion bash > /etc/bash_completion.d/kctl
# An alias completes too:         alias k=kctl; complete -o default -F __start_kctl k
#
# Candidates come from `kctl __completeNoDesc ARGS... WORD`, which prints one per
# line and then `:N`, N being cobra's directive bits (1 error, 2 no space, 4 no
# file completion, 8 file extensions, 16 directories).

__kctl_files() {
    # $1: an extglob pattern of extensions, or empty for every file.
    local IFS=$'\n' f
    if [[ -n $1 ]]; then
        COMPREPLY+=($(compgen -d -- "$cur"))
        for f in $(compgen -f -- "$cur"); do
            [[ -d $f ]] || [[ $f == *.@($1) ]] && COMPREPLY+=("$f")
        done
    else
        COMPREPLY+=($(compgen -f -- "$cur"))
    fi
    compopt -o filenames 2>/dev/null
}

__start_kctl() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prefix="" out directive line
    local -a args=("${COMP_WORDS[@]:1:COMP_CWORD-1}")
    COMPREPLY=()
    # Bash splits `--flag=value` at `=` (COMP_WORDBREAKS): `--flag=` arrives as the
    # words `--flag` `=`, and `--flag=va` as `--flag` `=` `va`. kctl is asked about
    # `--flag` followed by the value, and a lone `=` word keeps its `=`.
    local n=${#args[@]}
    if [[ $cur == "=" ]] && (( n > 0 )) && [[ ${args[n-1]} == -* ]]; then
        prefix="="; cur=""
    elif (( n > 1 )) && [[ ${args[n-1]} == "=" && ${args[n-2]} == -* ]]; then
        unset "args[n-1]"
    fi
    shopt -s extglob
    out=$(kctl __completeNoDesc "${args[@]}" "$cur" 2>/dev/null) || return 0
    directive=${out##*:}
    [[ $directive =~ ^[0-9]+$ ]] || directive=0
    out=${out%:*}
    (( directive & 1 )) && return 0
    (( directive & 2 )) && compopt -o nospace 2>/dev/null
    if (( directive & 8 )); then
        local exts
        exts=$(printf '%s|' $out)
        __kctl_files "${exts%|}"
        return 0
    fi
    if (( directive & 16 )); then
        local IFS=$'\n'
        COMPREPLY=($(compgen -d -- "$cur"))
        compopt -o filenames 2>/dev/null
        return 0
    fi
    while IFS= read -r line; do
        [[ -n $line && $line == "$cur"* ]] && COMPREPLY+=("$prefix$line")
    done <<< "$out"
    if (( ${#COMPREPLY[@]} == 0 && !(directive & 4) )); then
        __kctl_files ""
    fi
    return 0
}

complete -o default -F __start_kctl kctl
