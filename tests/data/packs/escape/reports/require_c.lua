-- requires a C module
require "quarry.core"
