# fish completion for kctl.
#
# Load it in the current shell:  kctl completion fish | source
# Or install it:                 kctl completion fish > ~/.config/fish/completions/kctl.fish
# An alias defined with `alias k=kctl` (which wraps kctl) completes as kctl.

function __kctl_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l prefix ""
    set -e tokens[1]
    if string match -qr -- '^-[^=]*=' $current
        # `--flag=va`: ask about the flag and its value; keep the flag on the result.
        set prefix (string replace -r -- '=.*' '=' $current)
        set -a tokens (string replace -r -- '=.*' '' $current)
        set current (string replace -r -- '^[^=]*=' '' $current)
    end
    set -l out (kctl __complete $tokens "$current" 2>/dev/null)
    or return
    set -l directive (string replace -r -- '^:' '' $out[-1])
    string match -qr -- '^[0-9]+$' $directive; or set directive 0
    set -e out[-1]
    if test (math "bitand($directive, 1)") -ne 0
        return
    end
    if test (math "bitand($directive, 8)") -ne 0
        for f in (__fish_complete_path "$current")
            if test -d "$f"; or string match -qr -- "\.("(string join '|' $out)")\$" $f
                echo $f
            end
        end
        return
    end
    if test (math "bitand($directive, 16)") -ne 0
        __fish_complete_directories "$current"
        return
    end
    for line in $out
        test -n "$line"; and echo "$prefix$line"
    end
    if test (count $out) -eq 0; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path "$current"
    end
end

complete -c kctl -e
complete -c kctl -f -a '(__kctl_complete)'
