#compdef kctl
# zsh completion for kctl.
#
# Load it in the current shell:  source <(kctl completion zsh)
# Or install it on $fpath:       kctl completion zsh > "${fpath[1]}/_kctl"
# (compinit must have run: autoload -U compinit && compinit)
# An alias completes as kctl with `setopt complete_aliases` off (the default).

_kctl() {
    local cur=${words[CURRENT]} prefix="" out directive line value desc
    local -a args lines described plain
    args=("${(@)words[2,CURRENT-1]}")
    if [[ $cur == -*=* ]]; then
        # `--flag=va`: ask about the flag and its value; keep the flag on the result.
        prefix="${cur%%=*}="
        args+=("${cur%%=*}")
        cur=${cur#*=}
    fi
    out=$(kctl __complete "${args[@]}" "$cur" 2>/dev/null) || return 1
    lines=("${(@f)out}")
    directive=${lines[-1]#:}
    [[ $directive == <-> ]] || directive=0
    lines=("${(@)lines[1,-2]}")
    (( directive & 1 )) && return 1
    if (( directive & 8 )); then
        _files -g "*.(${(j:|:)lines})"
        return
    fi
    if (( directive & 16 )); then
        _files -/
        return
    fi
    for line in "${lines[@]}"; do
        [[ -z $line ]] && continue
        value=${line%%$'\t'*}
        if [[ $line == *$'\t'* ]]; then
            desc=${line#*$'\t'}
            described+=("${value//:/\\:}:$desc")
        else
            plain+=("$value")
        fi
    done
    local -a opts=(-U)
    (( directive & 2 )) && opts+=(-S '')
    [[ -n $prefix ]] && opts+=(-P "$prefix")
    local ret=1
    if (( ${#described} )); then
        _describe -t kctl-values 'kctl' described "${opts[@]}" && ret=0
    fi
    if (( ${#plain} )); then
        compadd "${opts[@]}" -- "${plain[@]}" && ret=0
    fi
    if (( ret && !(directive & 4) )); then
        _files && ret=0
    fi
    return ret
}

if [[ "${funcstack[1]}" == "_kctl" ]]; then
    _kctl "$@"
else
    compdef _kctl kctl
fi
