"""The desk's forms, all of them here, one module per part of the desk: they check and
convert what was typed; the verbs of the apps do the changing."""
