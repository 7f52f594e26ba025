//! Access to memory the application owns: its buffers, length/indicator cells and bound arrays.
//! This is the one place that turns an address from C into a Rust slice or value. The ODBC
//! buffer contract is what makes these accesses valid (docs/architecture.md, "Application
//! memory"): an application guarantees that a buffer it passes or binds is valid for the length
//! it states, for as long as the call (or the binding) lasts. Every write is unaligned because
//! applications pass arbitrarily aligned pointers.
//!
//! An [`AppPtr`] can only be made by the unsafe constructors, where the application hands the
//! pointer over (an export's argument, SQLBindCol, SQLBindParameter, SQLSetStmtAttr,
//! SQLSetDescField); the rest of the driver, which has no `unsafe`, can then only use addresses
//! the application vouched for, and offsets from them by the ODBC binding rules.

/// The address of application memory, kept in bindings and descriptors. Zero means "not given".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppPtr(usize);

impl AppPtr {
    /// No buffer.
    pub const NULL: AppPtr = AppPtr(0);

    /// An application pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is null or follows the ODBC buffer contract for the argument it came in: valid for
    /// the reads and writes the ODBC specification describes for that argument, for the duration
    /// of the call, and, for a deferred buffer (a bound column or parameter, a descriptor's
    /// data, length or indicator pointer, a statement attribute's array pointer), until it is
    /// unbound, replaced or its handle freed, for every element and offset the binding rules
    /// reach (rowset size, bind type, bind offset).
    pub unsafe fn new<T>(ptr: *const T) -> AppPtr {
        AppPtr(ptr as usize)
    }

    /// The address as a number (what SQLGetStmtAttr hands back).
    pub fn address(self) -> usize {
        self.0
    }

    pub fn is_null(self) -> bool {
        self.0 == 0
    }

    /// The address `bytes` further on, for element `i` of a bound array or a bind offset. Only
    /// offsets the ODBC binding rules give stay within what the application vouched for.
    pub fn offset(self, bytes: isize) -> AppPtr {
        if self.is_null() {
            return self;
        }
        AppPtr(self.0.wrapping_add_signed(bytes))
    }

    /// Runs `f` on the `len` bytes at this address, or on `None` when the address is null.
    pub fn with_slice_mut<R>(self, len: usize, f: impl FnOnce(Option<&mut [u8]>) -> R) -> R {
        if self.is_null() || len == 0 {
            return f(if self.is_null() { None } else { Some(&mut []) });
        }
        // SAFETY: the application guarantees `len` writable bytes at this address (ODBC buffer
        // contract); `u8` has no alignment requirement, and the slice lives only during `f`.
        let slice = unsafe { std::slice::from_raw_parts_mut(self.0 as *mut u8, len) };
        f(Some(slice))
    }

    /// Runs `f` on `len` consecutive SQLLEN cells at this address (a column-wise bound
    /// length/indicator array), or on `None` when the address is null or not aligned for
    /// `isize` (the caller then writes cell by cell with unaligned writes).
    pub fn with_isize_slice_mut<R>(
        self,
        len: usize,
        f: impl FnOnce(Option<&mut [isize]>) -> R,
    ) -> R {
        if self.is_null() || !self.0.is_multiple_of(std::mem::align_of::<isize>()) {
            return f(None);
        }
        // SAFETY: the application bound an array of at least `len` SQLLEN cells here (ODBC
        // column-wise binding contract: one cell per row of the rowset, and `len` is at most the
        // rowset size); the address is non-null and aligned for isize; the slice lives only
        // during `f`. A length array never overlaps the data buffer bound beside it (the
        // contract again), so the two slices a caller holds at once are disjoint.
        let cells = unsafe { std::slice::from_raw_parts_mut(self.0 as *mut isize, len) };
        f(Some(cells))
    }

    /// Copies `len` bytes from application memory.
    pub fn read_bytes(self, len: usize) -> Vec<u8> {
        if self.is_null() || len == 0 {
            return Vec::new();
        }
        // SAFETY: the application guarantees `len` readable bytes at this address (ODBC buffer
        // contract); `u8` has no alignment requirement.
        unsafe { std::slice::from_raw_parts(self.0 as *const u8, len) }.to_vec()
    }

    /// Bytes up to (not including) the first NUL of `unit` bytes, reading at most `max` bytes.
    pub fn read_nul_terminated(self, unit: usize, max: usize) -> Vec<u8> {
        let mut out = Vec::new();
        if self.is_null() {
            return out;
        }
        let mut pos = 0usize;
        while pos + unit <= max {
            // SAFETY: the application guarantees the text is NUL-terminated within its buffer, so
            // every unit up to and including the terminator is readable.
            let chunk = unsafe { std::slice::from_raw_parts((self.0 + pos) as *const u8, unit) };
            if chunk.iter().all(|b| *b == 0) {
                break;
            }
            out.extend_from_slice(chunk);
            pos += unit;
        }
        out
    }

    pub fn write_i16(self, value: i16) {
        if !self.is_null() {
            // SAFETY: a non-null output cell the application passed for this value; unaligned write.
            unsafe { std::ptr::write_unaligned(self.0 as *mut i16, value) }
        }
    }

    pub fn write_u16(self, value: u16) {
        if !self.is_null() {
            // SAFETY: a non-null output cell the application passed for this value; unaligned write.
            unsafe { std::ptr::write_unaligned(self.0 as *mut u16, value) }
        }
    }

    pub fn write_i32(self, value: i32) {
        if !self.is_null() {
            // SAFETY: a non-null output cell the application passed for this value; unaligned write.
            unsafe { std::ptr::write_unaligned(self.0 as *mut i32, value) }
        }
    }

    pub fn write_u32(self, value: u32) {
        if !self.is_null() {
            // SAFETY: a non-null output cell the application passed for this value; unaligned write.
            unsafe { std::ptr::write_unaligned(self.0 as *mut u32, value) }
        }
    }

    pub fn write_isize(self, value: isize) {
        if !self.is_null() {
            // SAFETY: a non-null SQLLEN cell the application passed; unaligned write.
            unsafe { std::ptr::write_unaligned(self.0 as *mut isize, value) }
        }
    }

    pub fn write_usize(self, value: usize) {
        if !self.is_null() {
            // SAFETY: a non-null SQLULEN cell the application passed; unaligned write.
            unsafe { std::ptr::write_unaligned(self.0 as *mut usize, value) }
        }
    }

    pub fn write_ptr(self, value: usize) {
        if !self.is_null() {
            // SAFETY: a non-null SQLPOINTER cell the application passed; unaligned write.
            unsafe { std::ptr::write_unaligned(self.0 as *mut usize, value) }
        }
    }

    pub fn read_u16(self) -> Option<u16> {
        if self.is_null() {
            return None;
        }
        // SAFETY: a non-null SQLUSMALLINT cell the application bound (an operation array's
        // element); unaligned read.
        Some(unsafe { std::ptr::read_unaligned(self.0 as *const u16) })
    }

    pub fn read_isize(self) -> Option<isize> {
        if self.is_null() {
            return None;
        }
        // SAFETY: a non-null SQLLEN cell the application bound; unaligned read.
        Some(unsafe { std::ptr::read_unaligned(self.0 as *const isize) })
    }
}
