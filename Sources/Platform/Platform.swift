// The Platform module. See README.md "Architecture".
import NDEmuCore
