-- loads with mode b
local f, err = load("return 1", "x", "b") assert(f, err)
