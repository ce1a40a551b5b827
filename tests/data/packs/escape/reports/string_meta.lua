-- reaches the real string table through the string metatable
print(getmetatable("").__index.dump)
