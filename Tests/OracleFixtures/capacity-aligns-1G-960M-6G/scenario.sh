# scenario capacity-aligns-1G-960M-6G
# The remaining aligns: fsdax map=dev 1G, devdax 4K (ndctl), map=mem 4K and 1G (sysfs).
cfg() {   # cfg NS LABEL WANT_INFOBLOCK CMD...
  local ns=$1 label=$2 ib=$3 ok=0; shift 3
  if [ "$1" = pfn_manual ]; then
    shift; pfn_manual "$@" && ok=1
  else
    run "$*" && ok=1
  fi
  snap "$label"
  [ "$ok" = 1 ] && [ "$ib" = 1 ] && infoblock "$ns" "$label"
}
for NS in $(ls /sys/bus/nd/devices | grep '^namespace' | sort -V); do
  note "namespace $NS resource=$(cat /sys/bus/nd/devices/$NS/resource) size=$(cat /sys/bus/nd/devices/$NS/size)"
  cfg $NS $NS-fsdax-dev-1G 1 ndctl create-namespace -f -e $NS -m fsdax --map=dev --align=1G
  cfg $NS $NS-devdax-4K 1 ndctl create-namespace -f -e $NS -m devdax --align=4K
  cfg $NS $NS-fsdax-mem-pfn-4K 1 pfn_manual $NS ram 4096 pfn
  cfg $NS $NS-fsdax-mem-pfn-1G 1 pfn_manual $NS ram 1073741824 pfn
  cfg $NS $NS-fsdax-dev-pfn-1G 1 pfn_manual $NS pmem 1073741824 pfn
done
