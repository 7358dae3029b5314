"""Ruta's benchmarks. ``scripts/bench.sh`` (``make bench``) runs ``bench.main``; each prints
``name: value unit`` lines on stdout so runs can be diffed and grepped."""
