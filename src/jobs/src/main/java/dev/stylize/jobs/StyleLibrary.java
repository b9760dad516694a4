package dev.stylize.jobs;

import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.StoredObject;

/** The styles in {@code styles/}, found by name. */
public final class StyleLibrary {
    private final ObjectStore store;

    public StyleLibrary(ObjectStore store) {
        this.store = store;
    }

    /**
     * Library style {@code name}: the object {@code styles/<name>.<image extension>}.
     *
     * @throws dev.stylize.plan.InvalidInputException when the name is not valid or no such style exists,
     *                                                naming (some of) those that do
     */
    public StoredObject find(String name) {
        JobLayout.requireStyleName(name);
        for (StoredObject object : store.list(JobLayout.STYLES + name + ".")) {
            if (JobLayout.libraryStyleName(object.key()).filter(name::equals).isPresent()) {
                return object;
            }
        }
        throw JobLayout.styleNotFound(name, store.list(JobLayout.STYLES).stream()
                .flatMap(o -> JobLayout.libraryStyleName(o.key()).stream()).toList());
    }
}
