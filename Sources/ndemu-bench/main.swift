import CBenchBaseline
import SparseMem

print("ndemu-bench: no benchmarks yet (baseline v\(cbench_baseline_version()))")
