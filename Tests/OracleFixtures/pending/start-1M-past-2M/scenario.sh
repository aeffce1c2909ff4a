# scenario start-1M-past-2M
# Sizes ndctl refuses (not a multiple of the 16 MiB region align): drive the kernel
# through sysfs (pfn_manual / btt_manual), then lower regionN/align to 2 MiB and retry ndctl.
btt_manual() {   # btt_manual NS SECTOR_SIZE
  local ns=$1 ss=$2 seed reg
  reg=$(basename "$(dirname "$(readlink -f /sys/bus/nd/devices/$ns)")")
  unclaim "$ns"
  seed=$(cat /sys/bus/nd/devices/$reg/btt_seed)
  run "cat /proc/sys/kernel/random/uuid > /sys/bus/nd/devices/$seed/uuid && \
       echo $ss > /sys/bus/nd/devices/$seed/sector_size && \
       echo $ns > /sys/bus/nd/devices/$seed/namespace && \
       echo $seed > /sys/bus/nd/drivers/nd_pmem/bind"
}
m() { local label=$1 ib=$2; shift 2; if "$@"; then snap $NS-$label; [ $ib = 1 ] && infoblock $NS $NS-$label; else snap $NS-$label; fi; }
for NS in ${NSLIST:-$(ls /sys/bus/nd/devices | grep '^namespace' | sort -V)}; do
  REG=$(basename "$(dirname "$(readlink -f /sys/bus/nd/devices/$NS)")")
  note "namespace $NS resource=$(cat /sys/bus/nd/devices/$NS/resource) size=$(cat /sys/bus/nd/devices/$NS/size)"
  m fsdax-dev-pfn-4K 1 pfn_manual $NS pmem 4096 pfn
  m fsdax-dev-pfn-2M 1 pfn_manual $NS pmem 2097152 pfn
  m fsdax-mem-pfn-2M 1 pfn_manual $NS ram 2097152 pfn
  m devdax-pfn-2M 1 pfn_manual $NS pmem 2097152 dax
  m devdax-pfn-1G 1 pfn_manual $NS pmem 1073741824 dax
  m sector-btt-4096 0 btt_manual $NS 4096
  m sector-btt-512 0 btt_manual $NS 512
  unclaim $NS
  run "ndctl enable-namespace $NS"
  m region-align-2M 0 run "echo 2097152 > /sys/bus/nd/devices/$REG/align; cat /sys/bus/nd/devices/$REG/align"
  m fsdax-dev-default 1 run "ndctl create-namespace -f -e $NS -m fsdax --map=dev"
  m devdax-2M 1 run "ndctl create-namespace -f -e $NS -m devdax"
  m sector-default 0 run "ndctl create-namespace -f -e $NS -m sector"
  m raw 0 run "ndctl create-namespace -f -e $NS -m raw"
done
