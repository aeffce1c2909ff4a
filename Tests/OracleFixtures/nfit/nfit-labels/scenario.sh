# scenario nfit-labels
# NFIT NVDIMM with a label area: initialise labels, then carve label namespaces.
REG=$(ls /sys/bus/nd/devices | grep '^region' | head -1)
rd() { d=/sys/bus/nd/devices/$REG; echo "size=$(cat $d/size) align=$(cat $d/align) available_size=$(cat $d/available_size) max_available_extent=$(cat $d/max_available_extent) namespace_seed=$(cat $d/namespace_seed)"; }
c() { local label=$1 ib=$2 ns; shift 2; if run "$*"; then snap $label; ns=$(sed -n 's/.*"dev":"\(namespace[0-9.]*\)".*/\1/p' $R/commands.log | tail -1); run "cat /sys/bus/nd/devices/$REG/available_size"; [ $ib = 1 ] && [ -n "$ns" ] && infoblock $ns $label-$ns; else snap $label; fi; }
run "ndctl list -RDv; ndctl read-labels -j all | head -c 3000"
run "ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all"
snap init-labels
c create-fsdax-1G 1 ndctl create-namespace -r $REG -m fsdax -s 1G
c create-fsdax-2M-align-1G 1 ndctl create-namespace -r $REG -m fsdax -a 2M -s 1G
c create-devdax-512M 1 ndctl create-namespace -r $REG -m devdax -s 512M
c create-sector-256M 0 ndctl create-namespace -r $REG -m sector -s 256M
c create-raw-128M 0 ndctl create-namespace -r $REG -m raw -s 128M
c create-fsdax-100M-refused 0 ndctl create-namespace -r $REG -m fsdax -s 100M
c create-fsdax-rest 1 ndctl create-namespace -r $REG -m fsdax
run "ndctl list -RNu; ndctl read-labels -j all | head -c 6000"
run "ndctl disable-namespace all && ndctl destroy-namespace -f all"
snap destroyed
c create-fsdax-full 1 ndctl create-namespace -r $REG -m fsdax
c reconfig-devdax-1G 1 ndctl create-namespace -f -e namespace0.0 -m devdax -a 1G
