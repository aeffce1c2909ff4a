// The IOMem module. See README.md "Architecture".
import NDEmuCore
