-- makes a 1 GB string
local s = string.rep("x", 1 << 30) print(#s)
