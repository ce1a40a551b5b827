-- recurses through a metamethod (the C stack)
local t = setmetatable({}, {}) getmetatable(t).__index = function(_, k) return t[k] end print(t.x)
