# scenario pmem-pmem-one-section
MODES="raw devdax-2M fsdax-mem-2M fsdax-dev"
# Capacity sweep: every namespace on the bus through the listed personalities.
# MODES (space separated) picks from: fsdax-dev fsdax-dev-2M fsdax-mem-2M devdax-2M
# devdax-1G sector sector-512 raw.  Each: reconfigure, snap, and (pfn/dax) read the info block.
MODES=${MODES:-"fsdax-dev fsdax-dev-2M fsdax-mem-2M devdax-2M devdax-1G sector sector-512 raw"}
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
  for m in $MODES; do
    case $m in
      fsdax-dev)    cfg $NS $NS-fsdax-dev-default 1 ndctl create-namespace -f -e $NS -m fsdax --map=dev;;
      fsdax-dev-2M) cfg $NS $NS-fsdax-dev-2M 1 ndctl create-namespace -f -e $NS -m fsdax --map=dev --align=2M;;
      fsdax-mem-2M) cfg $NS $NS-fsdax-mem-pfn-2M 1 pfn_manual $NS ram 2097152 pfn;;
      devdax-2M)    cfg $NS $NS-devdax-2M 1 ndctl create-namespace -f -e $NS -m devdax;;
      devdax-1G)    cfg $NS $NS-devdax-1G 1 ndctl create-namespace -f -e $NS -m devdax --align=1G;;
      sector)       cfg $NS $NS-sector-default 0 ndctl create-namespace -f -e $NS -m sector;;
      sector-512)   cfg $NS $NS-sector-512 0 ndctl create-namespace -f -e $NS -m sector --sector-size=512;;
      raw)          cfg $NS $NS-raw 0 ndctl create-namespace -f -e $NS -m raw;;
    esac
  done
done
note "all namespaces fsdax map=dev now"
