// The NdctlImport module. See README.md "Architecture".
import NDEmuCore
import CNDCtl
