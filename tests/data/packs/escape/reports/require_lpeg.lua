-- requires LPeg
require "lpeg"
