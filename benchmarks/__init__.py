"""Benchmarks: speed reported as ratios against a baseline measured in the same
run (machines are shared and noisy). Run each as ``python -m benchmarks.<name>``."""
