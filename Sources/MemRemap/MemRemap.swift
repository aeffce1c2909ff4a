// The MemRemap module. See README.md "Architecture".
import NDEmuCore
