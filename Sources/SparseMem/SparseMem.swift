// The SparseMem module. See README.md "Architecture".
import NDEmuCore
