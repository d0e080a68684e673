namespace EeFunctions.Raster.Tiles;

/// <summary>Where tiles live: tile bytes (small GeoTIFFs) by address. Local disk here, blob storage later.</summary>
public interface ITileStore
{
    /// <summary>Writes (or overwrites) a tile. <paramref name="tiff"/> is only valid until the returned task completes.</summary>
    Task WriteAsync(TileAddress address, ReadOnlyMemory<byte> tiff, CancellationToken cancellationToken);

    /// <summary>Reads a tile, or null when it does not exist.</summary>
    Task<byte[]?> ReadAsync(TileAddress address, CancellationToken cancellationToken);
}

/// <summary>Tiles as files under a root folder, at their store paths; writes are atomic (temp file, then rename).</summary>
public sealed class LocalDirectoryTileStore : ITileStore
{
    public LocalDirectoryTileStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
    }

    public string RootDirectory { get; }

    /// <summary>The file a tile is stored in.</summary>
    public string FilePath(TileAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Path.Combine(RootDirectory, address.Path);
    }

    public async Task WriteAsync(TileAddress address, ReadOnlyMemory<byte> tiff, CancellationToken cancellationToken)
    {
        var path = FilePath(address);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(tiff, cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public async Task<byte[]?> ReadAsync(TileAddress address, CancellationToken cancellationToken)
    {
        var path = FilePath(address);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
