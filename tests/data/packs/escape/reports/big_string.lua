-- makes a 10 GB string
local s = string.rep("x", 10 * 1024 * 1024 * 1024) print(#s)
