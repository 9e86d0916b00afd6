# PowerShell completion for kctl.
#
# Load it in the current shell:  kctl completion powershell | Out-String | Invoke-Expression
# Or add that line to your $PROFILE.

Register-ArgumentCompleter -CommandName 'kctl' -Native -ScriptBlock {
    param($WordToComplete, $CommandAst, $CursorPosition)

    # The words before the cursor, without the program name.
    $line = $CommandAst.ToString()
    if ($CursorPosition -lt $CommandAst.Extent.StartOffset + $line.Length) {
        $line = $line.Substring(0, $CursorPosition - $CommandAst.Extent.StartOffset)
    }
    $words = @($line -split '\s+' | Where-Object { $_ -ne '' } | Select-Object -Skip 1)
    if ($WordToComplete -ne '' -and $words.Count -gt 0) {
        $words = @($words | Select-Object -SkipLast 1)
    }
    $prefix = ''
    $current = $WordToComplete
    if ($current -match '^(-[^=]*)=(.*)$') {
        $prefix = $Matches[1] + '='
        $words += $Matches[1]
        $current = $Matches[2]
    }
    # PowerShell 7.3+ passes an empty final argument through to kctl.
    $out = @(& kctl __complete @words "$current" 2>$null)
    if ($out.Count -eq 0) { return }
    $directive = 0
    [int]::TryParse(($out[-1] -replace '^:', ''), [ref]$directive) | Out-Null
    if ($directive -band 1) { return }
    $candidates = @($out | Select-Object -SkipLast 1 | Where-Object { $_ -ne '' })
    if (($directive -band 8) -or ($directive -band 16) -or ($candidates.Count -eq 0 -and -not ($directive -band 4))) {
        return  # PowerShell's own path completion takes over.
    }
    foreach ($c in $candidates) {
        $value, $desc = $c -split "`t", 2
        if (-not $desc) { $desc = $value }
        if (-not ($directive -band 2)) { $text = "$prefix$value " } else { $text = "$prefix$value" }
        [System.Management.Automation.CompletionResult]::new($text, $value, 'ParameterValue', $desc)
    }
}
